using System.Buffers.Binary;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>
/// Thousands of random byte flips, field overwrites and truncations of valid files (with and without the
/// checksum repaired, so that the structural checks behind the CRC are exercised too): the reader either
/// accepts the file (and every tensor is then readable) or throws ModelFormatException — nothing else.
/// </summary>
public class EamMutationFuzzTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void OnlyModelFormatExceptionComesOut(bool int8, int seed)
    {
        byte[] valid = EamCorruptFileTests.Valid(int8);
        var rng = new Random(seed);
        int accepted = 0, rejected = 0;
        const int Iterations = 3000;
        for (int iter = 0; iter < Iterations; iter++)
        {
            byte[] b = Mutate(valid, rng, out bool fixCrc);
            if (fixCrc && b.Length >= 72) EamCorruptFileTests.FixCrc(b);
            try
            {
                using ModelFile m = ModelFile.FromBytes(b);
                foreach (TensorInfo t in m.Tensors)
                {
                    if (t.DType == TensorDType.Float32) Assert.Equal(t.ElementCount, m.GetFloat32(t.Name).Length);
                    else Assert.Equal(t.ElementCount, m.GetInt8(t.Name).Data.Length);
                }
                accepted++;
            }
            catch (ModelFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                rejected++;
            }
        }
        Assert.Equal(Iterations, accepted + rejected);
        Assert.True(rejected > Iterations / 2, $"only {rejected} rejections");
    }

    private static byte[] Mutate(byte[] valid, Random rng, out bool fixCrc)
    {
        fixCrc = rng.Next(2) == 0;
        byte[] b = (byte[])valid.Clone();
        switch (rng.Next(5))
        {
            case 0: // flip 1..4 random bits
                for (int k = rng.Next(1, 5); k > 0; k--) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return b;
            case 1: // random bytes in the header or table (the structural part)
                int limit = Math.Min(b.Length, 64 + 2048 + 128 * 40);
                for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(limit)] = (byte)rng.Next(256);
                return b;
            case 2: // an extreme 32/64-bit value at a random 4-aligned position
            {
                int pos = rng.Next(b.Length / 4 - 2) * 4;
                ulong[] extremes = [0, 1, 63, 64, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1UL << 32, long.MaxValue, ulong.MaxValue, (ulong)b.Length, (ulong)b.Length - 8];
                ulong v = extremes[rng.Next(extremes.Length)];
                if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(pos), (uint)v);
                else BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(pos), v);
                return b;
            }
            case 3: // truncate
                fixCrc = false;
                return b[..rng.Next(b.Length)];
            default: // truncate, then patch the length field so the length check passes
                int len = rng.Next(72, b.Length);
                b = b[..len];
                BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), (ulong)len);
                b[^4] = 0x45; b[^3] = 0x41; b[^2] = 0x4D; b[^1] = 0;
                fixCrc = true;
                return b;
        }
    }
}
