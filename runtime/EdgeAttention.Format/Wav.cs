using System.Buffers.Binary;

namespace EdgeAttention.Format;

/// <summary>PCM 16-bit audio read from a WAV file, mixed down to mono.</summary>
/// <param name="SampleRate">Hz, as stored in the file.</param>
/// <param name="Channels">Channels in the file (the samples are their mean).</param>
/// <param name="Samples">Mono int16 samples.</param>
public sealed record WavAudio(int SampleRate, int Channels, short[] Samples);

/// <summary>
/// RIFF/WAVE reader for the audio inputs of models/README.md §5: PCM 16-bit (format tag 1, or
/// WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), any channel count (mixed down to mono by the rounded mean).
/// Anything else — float, 8/24/32-bit, compressed, truncated or corrupt files — is a one-line
/// <see cref="ModelFormatException"/> naming the file, the problem and the sox command that fixes it.
/// </summary>
public static class Wav
{
    /// <summary>Largest WAV file read (1 GiB).</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>The sox command that converts <paramref name="path"/> to what the model needs.</summary>
    public static string SoxCommand(string path, int sampleRate) =>
        $"sox {Quote(path)} -r {sampleRate} -c 1 -b 16 -e signed-integer {Quote(Path.ChangeExtension(Path.GetFileName(path), null) + $"-{sampleRate / 1000.0:0.###}k.wav")}";

    /// <summary>Reads a PCM16 WAV file as mono samples at its own rate.</summary>
    public static WavAudio Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new ModelFormatException($"{path}: WAV file not found; check the path");
            if (info.Length > MaxBytes) throw new ModelFormatException($"{path}: WAV file is {info.Length} bytes; at most {MaxBytes} are read (split it with sox)");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ModelFormatException($"{path}: cannot read WAV file: {ModelConfig.OneLine(e.Message)}", e);
        }
        try
        {
            return Parse(bytes);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{path}: {e.Message.Replace("IN.wav", Quote(path), StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>
    /// Reads a PCM16 WAV file as mono samples and requires <paramref name="sampleRate"/>: another rate is a one-line
    /// error giving the sox command that resamples it.
    /// </summary>
    public static short[] ReadMono(string path, int sampleRate)
    {
        WavAudio a = Read(path);
        if (a.SampleRate != sampleRate)
            throw new ModelFormatException($"{path}: sampled at {a.SampleRate} Hz but the model's front end needs {sampleRate} Hz; resample it: {SoxCommand(path, sampleRate)}");
        return a.Samples;
    }

    /// <summary>Parses WAV file bytes (errors name the problem; the caller adds the file name).</summary>
    public static WavAudio Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new ModelFormatException("not a RIFF/WAVE file (no RIFF....WAVE header); convert it: sox IN.wav -c 1 -b 16 -e signed-integer out.wav");
        int pos = 12;
        bool haveFormat = false;
        int channels = 0, rate = 0, bits = 0, blockAlign = 0;
        while (pos + 8 <= file.Length)
        {
            ReadOnlySpan<byte> id = file.Slice(pos, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + 4, 4));
            int body = pos + 8;
            long available = file.Length - body;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > available)
                    throw new ModelFormatException($"corrupt WAV: 'fmt ' chunk of {size} bytes ({available} left in the file); re-export the file");
                ReadOnlySpan<byte> f = file.Slice(body, (int)size);
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(f[4..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
                if (tag == 0xFFFE && size >= 40)
                    tag = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]); // sub-format GUID starts with the format tag
                if (tag != 1 || bits != 16)
                    throw new ModelFormatException($"WAV is {Describe(tag, bits)}, only PCM 16-bit is read; convert it: sox IN.wav -b 16 -e signed-integer out.wav");
                if (channels < 1 || channels > 64)
                    throw new ModelFormatException($"corrupt WAV: {channels} channels; re-export the file");
                if (rate < 1)
                    throw new ModelFormatException($"corrupt WAV: sample rate {rate}; re-export the file");
                if (blockAlign != 2 * channels)
                    throw new ModelFormatException($"corrupt WAV: block align {blockAlign} for {channels} channel(s) of 16 bits (expected {2 * channels}); re-export the file");
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                    throw new ModelFormatException("corrupt WAV: 'data' chunk before the 'fmt ' chunk; re-export the file");
                long length = size;
                // Recorders streaming to a pipe write 0 or 0xFFFFFFFF as the size: the data runs to the end.
                if (size == 0 || size == uint.MaxValue) length = available;
                else if (length > available)
                    throw new ModelFormatException($"truncated WAV: the 'data' chunk says {size} bytes but only {available} follow; re-export or trim it: sox IN.wav out.wav");
                length -= length % blockAlign;
                return new WavAudio(rate, channels, MixDown(file.Slice(body, (int)length), channels));
            }
            long next = body + (long)size + (size & 1);
            if (next > file.Length)
                throw new ModelFormatException($"truncated WAV: chunk '{Printable(id)}' of {size} bytes runs past the end of the file and no 'data' chunk was found; re-export the file");
            pos = (int)next;
        }
        throw new ModelFormatException(haveFormat
            ? "WAV has no 'data' chunk (truncated?); re-export the file"
            : "WAV has no 'fmt ' chunk (truncated or corrupt); re-export the file");
    }

    /// <summary>mono[i] = round(Σ_c x[i, c] / C) (half away from zero) over interleaved little-endian int16 frames.</summary>
    private static short[] MixDown(ReadOnlySpan<byte> data, int channels)
    {
        int frames = data.Length / (2 * channels);
        var mono = new short[frames];
        if (channels == 1)
        {
            for (int i = 0; i < frames; i++) mono[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
            return mono;
        }
        for (int i = 0; i < frames; i++)
        {
            int sum = 0;
            for (int c = 0; c < channels; c++) sum += BinaryPrimitives.ReadInt16LittleEndian(data[(2 * (i * channels + c))..]);
            mono[i] = (short)Math.Round(sum / (double)channels, MidpointRounding.AwayFromZero);
        }
        return mono;
    }

    private static string Describe(int tag, int bits) => tag switch
    {
        1 => $"PCM {bits}-bit",
        3 => $"IEEE float {bits}-bit",
        6 => "A-law",
        7 => "mu-law",
        0x55 => "MP3",
        _ => $"format tag 0x{tag:X4} ({bits}-bit)",
    };

    private static string Printable(ReadOnlySpan<byte> id)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++) c[i] = id[i] is >= 32 and < 127 ? (char)id[i] : '?';
        return new string(c);
    }

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) || s.Contains('\'', StringComparison.Ordinal) ? "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : s;

    /// <summary>A PCM16 mono WAV file image (44-byte header + samples): tests and tools.</summary>
    public static byte[] ToBytes(ReadOnlySpan<short> samples, int sampleRate, int channels = 1)
    {
        var b = new byte[44 + 2 * samples.Length];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)(36 + 2 * samples.Length));
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), sampleRate * 2 * channels);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(32), (ushort)(2 * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(34), 16);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(40), (uint)(2 * samples.Length));
        for (int i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44 + 2 * i), samples[i]);
        return b;
    }
}
