using EdgeAttention.Host.Sinks;
using EdgeAttention.Host.Sources;
using EdgeAttention.Host.Tests.Native;

namespace EdgeAttention.Host.Tests;

/// <summary>The serial source through a real pseudo-terminal (openpty): the source opens the slave side as a serial device.</summary>
public class SerialPtyTests
{
    private const int F = 4;

    private static byte[] Frame(uint seq, float value)
    {
        var b = new byte[64];
        int n = SerialProtocol.EncodeFloat32(b, seq, [value, value + 1, value + 2, value + 3]);
        return b.AsSpan(0, n).ToArray();
    }

    private static void WaitFor(Func<bool> condition, string what, int timeoutMs = 10000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"timed out waiting for {what}");
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void FramesWrittenIntoAPty_ArriveInTheRing_WithCorruptionAndGapsCounted()
    {
        using var pty = PseudoTerminal.Open();
        using var source = new SerialSource(pty.SlavePath, 921600, F);
        var ring = new FrameRing(64, F);
        source.Open();
        source.Start(ring);

        pty.Write(new byte[] { 0x11, 0x22, 0xA5 }); // line noise
        pty.Write(Frame(0, 0));
        pty.Write(Frame(1, 10));
        var bad = Frame(2, 20);
        bad[15] ^= 1;
        pty.Write(bad);
        pty.Write(Frame(3, 30));
        pty.Write(Frame(5, 50));   // 4 lost
        WaitFor(() => ring.Counters.Received == 4, "4 frames");

        var frame = new float[F];
        float[] expected = [0, 10, 30, 50];
        foreach (var e in expected)
        {
            Assert.Equal(RingRead.Frame, ring.Read(frame, out _, 1000));
            Assert.Equal(new[] { e, e + 1, e + 2, e + 3 }, frame);
        }

        WaitFor(() => ring.Counters.Corrupted == 1 && ring.Counters.Missing == 2, "corrupted=1 missing=2");
    }

    [Fact]
    public void TheReaderPath_AllocatesNothingPerFrame()
    {
        // Frames go into the pty in batches the tty buffer holds; this thread then runs the reader loop's turns
        // (read, decode, ring) until the batch is in: 20,000 frames, allocation measured on this thread.
        const int Batch = 50, Count = 400;
        using var pty = PseudoTerminal.Open();
        using var source = new SerialSource(pty.SlavePath, 921600, F);
        var ring = new FrameRing(64, F); // full ring: oldest dropped, no consumer needed
        source.Open();
        var bytes = new byte[Batch * SerialProtocol.FrameBytes(F * 4)];
        var values = new float[F];
        uint seq = 0;
        void Batches(int count)
        {
            for (int b = 0; b < count; b++)
            {
                int n = 0;
                for (int i = 0; i < Batch; i++, seq++)
                {
                    values[0] = seq;
                    n += SerialProtocol.EncodeFloat32(bytes.AsSpan(n), seq, values);
                }

                pty.Write(bytes.AsSpan(0, n));
                long want = seq;
                long deadline = Environment.TickCount64 + 10_000;
                while (source.Decoder.Frames < want && Environment.TickCount64 < deadline)
                {
                    source.Pump(ring);
                }
            }
        }

        Batches(1); // warm-up
        long allocated = AllocationProbe.Measure(() => () => Batches(Count));
        Assert.Equal(seq, source.Decoder.Frames);
        Assert.Equal(0, ring.Counters.Corrupted);
        Assert.Equal(0, ring.Counters.Missing);
        Assert.True(allocated < AllocationProbe.Quantum, $"the serial reader allocated {allocated} bytes for {Count * Batch} frames ({allocated / (double)(Count * Batch):F1} bytes/frame)");
    }

    [Fact]
    public void AFullPeer_MakesAReplyWriteGiveUpAfterItsTimeout_NotHang()
    {
        using var pty = PseudoTerminal.Open();
        using var source = new SerialSource(pty.SlavePath, 921600, F);
        source.Open();
        var reply = new byte[4096];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int written = 0;
        while (clock.ElapsedMilliseconds < 20_000 && source.RepliesDropped == 0)
        {
            source.WriteReply(reply, reply.Length); // nobody reads the master side: the pty buffer fills
            written++;
        }

        Assert.Equal(1, source.RepliesDropped);
        Assert.True(written > 1, "the first replies fit into the pty buffer");
        Assert.True(clock.ElapsedMilliseconds < 15_000, $"{written} replies took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Replies_AreWrittenBackOnThePort()
    {
        using var pty = PseudoTerminal.Open();
        using var source = new SerialSource(pty.SlavePath, 115200, F);
        source.Open();
        source.Start(new FrameRing(8, F));
        var sink = new SerialReplySink(source, 3);
        sink.OnStep(new StepOutput { Step = 9, TopClass = 1, Score = 0.5f }, [0f, 2f, 1f], [0.2f, 0.5f, 0.3f]);

        var got = new List<byte>();
        var buffer = new byte[256];
        var deadline = Environment.TickCount64 + 5000;
        while (got.Count < 14 + 8 + 12 + 4 && Environment.TickCount64 < deadline)
        {
            int n = pty.Read(buffer, 200);
            got.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var reply = got.ToArray();
        Assert.Equal(38, reply.Length);
        Assert.Equal(SerialProtocol.KindReply, reply[3]);
        Assert.Equal(9u, BitConverter.ToUInt32(reply, 4));
        Assert.Equal(1, BitConverter.ToUInt16(reply, 14));
        Assert.Equal(2f, BitConverter.ToSingle(reply, 26));
        Assert.Equal(Crc32.Compute(reply.AsSpan(2, 32)), BitConverter.ToUInt32(reply, 34));
    }

    [Fact]
    public void WhenThePortDisappears_TheSourceReconnectsWithBackoff()
    {
        var dir = Directory.CreateTempSubdirectory("ea-serial-");
        string link = Path.Combine(dir.FullName, "ttyTEST");
        var first = PseudoTerminal.Open();
        File.CreateSymbolicLink(link, first.SlavePath);
        using var source = new SerialSource(link, 115200, F);
        var ring = new FrameRing(64, F);
        try
        {
            source.Open();
            source.Start(ring);
            first.CloseSlave();
            first.Write(Frame(0, 1));
            WaitFor(() => ring.Counters.Received == 1, "first frame");

            // Unplug: the pty disappears and the path dangles; then a "new adapter" appears under the same name.
            first.Dispose();
            File.Delete(link);
            Thread.Sleep(300);
            using var second = PseudoTerminal.Open();
            File.CreateSymbolicLink(link, second.SlavePath);
            WaitFor(() => ring.Counters.Reconnects == 1, "reconnect");
            second.CloseSlave();
            second.Write(Frame(1, 2));
            WaitFor(() => ring.Counters.Received == 2, "frame after reconnect");
        }
        finally
        {
            source.Stop();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AMissingPort_IsAOneLineErrorNamingTheFix()
    {
        using var source = new SerialSource("/dev/ttyDOESNOTEXIST9", 115200, F);
        var e = Assert.Throws<Cli.HostException>(source.Open);
        Assert.Contains("/dev/ttyDOESNOTEXIST9 not found", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
