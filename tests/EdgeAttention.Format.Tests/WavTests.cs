using System.Buffers.Binary;
using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>Wav: PCM16 reading, mix-down, and one-line errors for other formats, truncated and corrupt files.</summary>
public class WavTests
{
    private static readonly short[] Samples = [0, 1, -1, 32767, -32768, 1000, -1000, 12345];

    [Fact]
    public void ReadsMonoPcm16()
    {
        WavAudio a = Wav.Parse(Wav.ToBytes(Samples, 16000));
        Assert.Equal(16000, a.SampleRate);
        Assert.Equal(1, a.Channels);
        Assert.Equal(Samples, a.Samples);
    }

    [Fact]
    public void MixesStereoDownByRoundedMean()
    {
        short[] interleaved = [10, 20, -3, -4, 32767, 32767, -32768, -32768, 1, 2];
        WavAudio a = Wav.Parse(Wav.ToBytes(interleaved, 8000, channels: 2));
        Assert.Equal(2, a.Channels);
        Assert.Equal(new short[] { 15, -4, 32767, -32768, 2 }, a.Samples);
    }

    [Fact]
    public void SkipsOtherChunksAndReadsExtensiblePcm()
    {
        byte[] plain = Wav.ToBytes(Samples, 16000);
        // Insert a LIST chunk of odd size (padded) between fmt and data; rewrite fmt as WAVE_FORMAT_EXTENSIBLE.
        var fmt = new byte[40];
        plain.AsSpan(20, 16).CopyTo(fmt);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), 1);
        var b = new List<byte>();
        b.AddRange("RIFF"u8.ToArray()); b.AddRange(new byte[4]); b.AddRange("WAVE"u8.ToArray());
        b.AddRange("fmt "u8.ToArray()); b.AddRange(BitConverter.GetBytes(40)); b.AddRange(fmt);
        b.AddRange("LIST"u8.ToArray()); b.AddRange(BitConverter.GetBytes(3)); b.AddRange(new byte[] { 1, 2, 3, 0 });
        b.AddRange(plain.AsSpan(36).ToArray());
        Assert.Equal(Samples, Wav.Parse(b.ToArray()).Samples);
    }

    [Fact]
    public void StreamedSizeMeansToTheEnd()
    {
        byte[] b = Wav.ToBytes(Samples, 16000);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(40), uint.MaxValue);
        Assert.Equal(Samples, Wav.Parse(b).Samples);
    }

    private static string Error(byte[] b)
    {
        var e = Assert.Throws<ModelFormatException>(() => Wav.Parse(b));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void FloatAnd24BitAreClearErrors()
    {
        byte[] f = Wav.ToBytes(Samples, 16000);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(20), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(34), 32);
        Assert.Contains("IEEE float 32-bit", Error(f));
        Assert.Contains("sox", Error(f));
        byte[] p24 = Wav.ToBytes(Samples, 16000);
        BinaryPrimitives.WriteUInt16LittleEndian(p24.AsSpan(34), 24);
        Assert.Contains("PCM 24-bit", Error(p24));
    }

    [Fact]
    public void TruncatedAndCorruptFilesAreErrors()
    {
        byte[] good = Wav.ToBytes(Samples, 16000);
        Assert.Contains("not a RIFF/WAVE", Error(good[..10]));
        Assert.Contains("not a RIFF/WAVE", Error("RIFX\0\0\0\0WAVE"u8.ToArray()));
        Assert.Contains("truncated WAV", Error(good[..^4]));
        Assert.Contains("no 'fmt '", Error(good[..12]));
        Assert.Contains("corrupt WAV", Error(good[..30]));
        Assert.Contains("no 'data'", Error(good[..36]));
        byte[] badAlign = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(badAlign.AsSpan(32), 3);
        Assert.Contains("block align", Error(badAlign));
        byte[] noChannels = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(noChannels.AsSpan(22), 0);
        Assert.Contains("0 channels", Error(noChannels));
        // Every prefix and a sweep of single-byte corruptions: a ModelFormatException or a successful read, nothing else.
        for (int n = 0; n < good.Length; n++)
            try { Wav.Parse(good.AsSpan(0, n)); } catch (ModelFormatException) { }
        for (int i = 0; i < 44; i++)
        {
            byte[] c = (byte[])good.Clone();
            c[i] ^= 0xFF;
            try { Wav.Parse(c); } catch (ModelFormatException) { }
        }
    }

    [Fact]
    public void WrongRateGivesTheSoxCommand()
    {
        string dir = TestModels.TempDir();
        string path = Path.Combine(dir, "clip.wav");
        File.WriteAllBytes(path, Wav.ToBytes(Samples, 44100));
        var e = Assert.Throws<ModelFormatException>(() => Wav.ReadMono(path, 16000));
        Assert.Contains("44100 Hz", e.Message);
        Assert.Contains($"sox {path} -r 16000 -c 1 -b 16 -e signed-integer clip-16k.wav", e.Message);
        Assert.Equal(Samples, Wav.ReadMono(path, 44100));
        Assert.Contains("not found", Assert.Throws<ModelFormatException>(() => Wav.Read(Path.Combine(dir, "none.wav"))).Message);
    }
}
