using System.Text;
using System.Text.Json;
using EdgeAttention.Host.Commands;
using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Tests;

/// <summary>
/// `--source stdin:framed`: PROTOCOL.md frames on stdin, so one bad frame costs one frame (counted) instead of
/// shifting every later one as raw float32 does; and the warning that raw stdin prints.
/// </summary>
public class FramedStdinTests
{
    private const int F = 3;

    /// <summary>Frame t holds t*10, t*10+1, t*10+2; `shortAt` announces F−1 values, `cutAt` loses its last 5 bytes.</summary>
    private static byte[] Frames(int count, int shortAt = -1, int cutAt = -1)
    {
        var all = new MemoryStream();
        var b = new byte[SerialProtocol.MaxFrameBytes];
        for (int t = 0; t < count; t++)
        {
            float[] values = [t * 10, t * 10 + 1, t * 10 + 2];
            int n = SerialProtocol.EncodeFloat32(b, (uint)t, t == shortAt ? values.AsSpan(0, F - 1) : values);
            all.Write(b, 0, t == cutAt ? n - 5 : n);
        }

        return all.ToArray();
    }

    /// <summary>Runs the source to the end of input; returns the frames in the ring, in order.</summary>
    private static (List<float[]> Frames, StreamCounters Counters) Drain(byte[] input)
    {
        using var source = new FramedStdinSource(new MemoryStream(input), F, rate: 0);
        var ring = new FrameRing(256, F);
        source.Open();
        source.Start(ring);
        var got = new List<float[]>();
        var frame = new float[F];
        while (ring.Read(frame, out _, 5000) == RingRead.Frame)
        {
            got.Add((float[])frame.Clone());
        }

        Assert.Null(ring.Error);
        return (got, ring.Counters);
    }

    [Fact]
    public void AShortFrame_IsCountedAsWrongLength_AndLaterFramesStayAligned()
    {
        var (frames, c) = Drain(Frames(10, shortAt: 3));
        Assert.Equal(9, frames.Count);
        int[] expected = [0, 1, 2, 4, 5, 6, 7, 8, 9];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(new float[] { expected[i] * 10, expected[i] * 10 + 1, expected[i] * 10 + 2 }, frames[i]);
        }

        Assert.Equal(1, c.Corrupted);
        Assert.Equal(1, c.WrongLength);
        Assert.Equal(F - 1, c.LastWrongValues);
        Assert.Equal(1, c.Missing);
    }

    [Fact]
    public void AFrameCutShort_IsCountedAsCorrupted_AndTheNextFrameIsFound()
    {
        var (frames, c) = Drain(Frames(10, cutAt: 5));
        Assert.Equal(9, frames.Count);
        Assert.Equal(new float[] { 60, 61, 62 }, frames[5]);
        Assert.Equal(new float[] { 90, 91, 92 }, frames[^1]);
        Assert.Equal(1, c.Corrupted);
        Assert.Equal(0, c.WrongLength);
        Assert.Equal(1, c.Missing);
    }

    [Fact]
    public void InputEndingInsideAFrame_CountsItAsCorrupted()
    {
        var bytes = Frames(4);
        var (frames, c) = Drain(bytes.AsSpan(0, bytes.Length - 3).ToArray());
        Assert.Equal(3, frames.Count);
        Assert.Equal(1, c.Corrupted);
    }

    [Fact]
    public void StreamWithStdinFramed_GivesTheSameStepsAsCleanInput_PlusTheCounts()
    {
        using var m = new TestModel(window: 4, features: F);
        var clean = Stream(m, Frames(30, shortAt: 12), "stdin:framed");
        Assert.Equal(0, clean.Code);
        var lines = clean.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(29 - 4 + 1, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal(1, last.RootElement.GetProperty("corrupted").GetInt64());
        Assert.Equal(1, last.RootElement.GetProperty("missing").GetInt64());
        Assert.DoesNotContain("raw stdin", clean.Err);
        Assert.Contains("\"corrupted\":1,", clean.Err); // summary

        // The frames that arrived are exactly what a model fed without the bad frame computes.
        var good = new List<float>();
        for (int t = 0; t < 30; t++)
        {
            if (t != 12)
            {
                good.AddRange([t * 10, t * 10 + 1, t * 10 + 2]);
            }
        }

        var expected = m.Expected([.. good]);
        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.Equal(expected[i].Top, line.RootElement.GetProperty("index").GetInt32());
            Assert.Equal(expected[i].Score, line.RootElement.GetProperty("score").GetSingle(), 5e-6f);
        }
    }

    [Fact]
    public void RawStdin_PrintsTheNoFramingWarning_UnlessRawIsExplicit()
    {
        using var m = new TestModel(window: 2, features: F);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(m.Frames(5).AsSpan()).ToArray();
        var bare = Stream(m, bytes, "stdin");
        Assert.Equal(0, bare.Code);
        Assert.Contains("warning: raw stdin has no framing", bare.Err);
        Assert.Contains("stdin:framed", bare.Err);
        var explicitRaw = Stream(m, bytes, "stdin:raw");
        Assert.Equal(0, explicitRaw.Code);
        Assert.DoesNotContain("warning", explicitRaw.Err);
        Assert.Equal(bare.Out.Split('\n').Length, explicitRaw.Out.Split('\n').Length);
    }

    [Fact]
    public void StreamHelp_SaysRawStdinHasNoFraming()
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        StreamCommand.Execute(["--help"], stdout, stderr, new MemoryStream(), null, 0, CancellationToken.None);
        string help = Encoding.UTF8.GetString(stdout.ToArray()) + stderr;
        Assert.Contains("stdin:framed", help);
        Assert.Contains("NO framing", help);
    }

    [Fact]
    public void AnUnknownStdinFormat_IsAUsageError()
    {
        using var m = new TestModel(window: 2, features: F);
        var r = Stream(m, [], "stdin:cbor");
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown stdin format 'cbor'", r.Err);
    }

    [Fact]
    public void ReadingFramedStdin_AllocatesNothingPerFrame()
    {
        const int Count = 20_000;
        var bytes = Frames(Count, shortAt: 100, cutAt: 200);
        FramedStdinSource source = null!;
        FrameRing ring = null!;
        Action Prepare(byte[] input)
        {
            source = new FramedStdinSource(new MemoryStream(input), F, rate: 0);
            ring = new FrameRing(input.Length / 10, F); // unpaced stdin waits for ring space: room for every frame
            source.Open();
            var (s, r) = (source, ring);
            return () =>
            {
                while (s.Pump(r))
                {
                }
            };
        }

        Prepare(bytes.AsSpan(0, 8000).ToArray())(); // warm-up: every path once (good, short, cut, end of input)
        long allocated = AllocationProbe.Measure(() => Prepare(bytes));
        string state = $"frames {source.Decoder.Frames}, corrupted {ring.Counters.Corrupted}, allocated {allocated} bytes";
        Assert.True(source.Decoder.Frames == Count - 2 && ring.Counters.Corrupted == 2 && allocated < AllocationProbe.Quantum, state);
    }

    private static (int Code, string Out, string Err) Stream(TestModel m, byte[] input, string source)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = StreamCommand.Execute(["--model", m.Path, "--source", source], stdout, stderr, new MemoryStream(input), null, 0, CancellationToken.None);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
