using System.Text;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

public class Crc32CTests
{
    [Fact]
    public void KnownValues()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xE3069283u, Crc32C.ComputeSoftware(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
        // RFC 3720 B.4: 32 bytes of zeros → 0x8A9136AA, 32 bytes of 0xFF → 0x62A8AB43.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.ComputeSoftware(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
    }

    [Fact]
    public void HardwareAndSoftwareAgreeAndAppendComposes()
    {
        var rng = new Random(5);
        for (int len = 0; len < 300; len++)
        {
            var data = new byte[len];
            rng.NextBytes(data);
            uint crc = Crc32C.Compute(data);
            Assert.Equal(Crc32C.ComputeSoftware(data), crc);
            int split = len == 0 ? 0 : rng.Next(len);
            Assert.Equal(crc, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }
}
