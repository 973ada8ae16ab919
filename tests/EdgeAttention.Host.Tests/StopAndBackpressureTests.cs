using System.Diagnostics;
using EdgeAttention.Host.Commands;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Tests;

/// <summary>
/// A blocked or closed stdout, a reply peer that never reads, a port that comes back: none may stall the step
/// loop or the stop. In process, with streams that block until released.
/// </summary>
public class StopAndBackpressureTests
{
    [Fact]
    public void Stop_EndsTheStream_WhileStdoutIsBlocked_WithTheSummary()
    {
        using var m = new TestModel(window: 4);
        using var stdout = new BlockingStream();
        var stdin = new EndlessFrames(m.Frames(64));
        var stderr = new StringWriter();
        using var cancel = new CancellationTokenSource();
        int code = -1;
        var run = new Thread(() => code = StreamCommand.Execute(
            ["--model", m.Path, "--source", "stdin,features=3"], stdout, stderr, stdin, null, 0, cancel.Token))
        { IsBackground = true };
        run.Start();
        Assert.True(stdout.Entered.Wait(60_000), "no output reached stdout");
        WaitUntilStable(() => stdin.Bytes); // the output buffer and the ring are full: everything waits on stdout
        var sw = Stopwatch.StartNew();
        cancel.Cancel();
        bool ended = run.Join(10_000);
        stdout.Release(); // let a stuck run (the old code) finish before the test returns
        Assert.True(ended, "the stream did not stop while stdout was blocked");
        Assert.Equal(0, code);
        Assert.Contains("\"summary\"", stderr.ToString());
        Assert.True(sw.ElapsedMilliseconds < 5_000, $"stop took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ClosedStdout_EndsTheStreamAtOnce_AndSaysSo()
    {
        using var m = new TestModel(window: 4);
        var stdin = new EndlessFrames(m.Frames(64));
        var stderr = new StringWriter();
        int code = -1;
        var run = new Thread(() => code = StreamCommand.Execute(
            ["--model", m.Path, "--source", "stdin,features=3"], new BrokenPipeStream(), stderr, stdin, null, 0, CancellationToken.None))
        { IsBackground = true };
        run.Start();
        bool ended = run.Join(30_000);
        stdin.End(); // ends a run that ignored the broken pipe (the old code)
        Assert.True(ended, "the stream kept running after stdout was closed");
        Assert.Equal(0, code);
        Assert.Contains("\"stdout\":\"closed\"", stderr.ToString());
    }

    [Fact]
    public void BoundedOutput_NeverBlocksTheWriter_InLiveMode_AndCountsDrops()
    {
        using var inner = new BlockingStream();
        using var output = new BoundedOutputStream(inner, 1024, waitWhenFull: false, CancellationToken.None, null);
        var line = new byte[100];
        var write = new Thread(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                output.Write(line);
            }
        });
        write.Start();
        bool done = write.Join(10_000);
        inner.Release();
        Assert.True(done, "a write waited on the blocked stream");
        Assert.InRange(output.DroppedWrites, 1000 - 11, 1000 - 9); // ≤ 10 lines fit the ring, 1 may be in the write
    }

    [Fact]
    public void BoundedOutput_Write_AllocatesNothing()
    {
        var inner = new CountingStream();
        using var output = new BoundedOutputStream(inner, 1 << 16, waitWhenFull: true, CancellationToken.None, null);
        var line = new byte[100];
        line[99] = (byte)'\n';
        output.Write(line);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            output.Write(line);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        output.Flush();
        Assert.Equal(2001, inner.Lines);
    }

    [Fact]
    public void Replies_ToAPeerThatNeverReads_AreDroppedAndCounted_NotWaitedFor()
    {
        var port = new BlockingReplyChannel();
        var sink = new SerialReplySink(port, 3);
        var steps = new Thread(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                sink.OnStep(new StepOutput { Step = i, TopClass = 1, Score = 0.5f }, [0f, 2f, 1f], [0.2f, 0.5f, 0.3f]);
            }
        });
        steps.Start();
        bool done = steps.Join(10_000);
        port.Release.Set();
        Assert.True(done, "a step waited on the reply port");
        Assert.InRange(sink.Dropped, 1000 - SerialReplySink.Slots - 1, 1000 - SerialReplySink.Slots);
        sink.Dispose();
    }

    [Fact]
    public void Replies_AllocateNothingOnTheStepThread_AndAllGoOut()
    {
        var port = new CountingReplyChannel();
        var sink = new SerialReplySink(port, 3);
        var output = new StepOutput { Step = 1, TopClass = 1, Score = 0.5f };
        float[] logits = [0f, 2f, 1f];
        float[] p = [0.2f, 0.5f, 0.3f];
        sink.OnStep(output, logits, p);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++)
        {
            sink.OnStep(output, logits, p);
            long deadline = Environment.TickCount64 + 5_000;
            while (Volatile.Read(ref port.Count) != i + 2 && Environment.TickCount64 < deadline)
            {
                Thread.Yield(); // keep the queue short: nothing dropped
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        sink.Dispose();
        Assert.Equal(501, Volatile.Read(ref port.Count));
        Assert.Equal(0, sink.Dropped);
    }

    [Fact]
    public void FramesSentWhileThePortWasGone_CountAsMissing()
    {
        const int F = 3;
        var d = new SerialFrameDecoder(F);
        var buffer = new byte[SerialProtocol.MaxFrameBytes];
        var values = new float[F];
        void Send(uint sequence)
        {
            int n = SerialProtocol.EncodeFloat32(buffer, sequence, [1f, 2f, 3f]);
            d.Append(buffer.AsSpan(0, n));
            Assert.True(d.TryDecode(values));
        }

        for (uint s = 0; s < 10; s++)
        {
            Send(s);
        }

        d.Append([SerialProtocol.Sync0, SerialProtocol.Sync1, 0x01]); // half a frame when the adapter was pulled
        d.Reset();
        Send(810); // 800 frames went out while the port was gone
        Assert.Equal(800, d.Missing);
        d.Reset();
        Send(3); // a step back: the sender restarted, nothing was lost
        Assert.Equal(800, d.Missing);
    }

    private static void WaitUntilStable(Func<long> value)
    {
        long deadline = Environment.TickCount64 + 60_000;
        long last = -1;
        while (Environment.TickCount64 < deadline)
        {
            long now = value();
            if (now == last && now > 0)
            {
                return;
            }

            last = now;
            Thread.Sleep(500);
        }
    }

    /// <summary>Write blocks until Release (a pipe nobody reads); Entered is set by the first write.</summary>
    private sealed class BlockingStream : Stream
    {
        private readonly ManualResetEventSlim _release = new();

        public ManualResetEventSlim Entered { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => 0;

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public void Release() => _release.Set();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            _release.Wait();
        }
    }

    /// <summary>Every write fails as a write to a pipe whose reader is gone does (EPIPE).</summary>
    private sealed class BrokenPipeStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => 0;

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
    }

    /// <summary>The same frames over and over until End: a sensor that never stops.</summary>
    private sealed class EndlessFrames : Stream
    {
        private readonly byte[] _bytes;
        private long _position;
        private volatile bool _ended;

        public EndlessFrames(float[] frames)
        {
            _bytes = new byte[frames.Length * 4];
            Buffer.BlockCopy(frames, 0, _bytes, 0, _bytes.Length);
        }

        public long Bytes => Interlocked.Read(ref _position);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Bytes; set => throw new NotSupportedException(); }

        public void End() => _ended = true;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_ended)
            {
                return 0;
            }

            int at = (int)(Bytes % _bytes.Length);
            int n = Math.Min(count, _bytes.Length - at);
            Buffer.BlockCopy(_bytes, at, buffer, offset, n);
            Interlocked.Add(ref _position, n);
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class BlockingReplyChannel : IReplyChannel
    {
        public ManualResetEventSlim Release { get; } = new();

        public void WriteReply(byte[] buffer, int count) => Release.Wait();
    }

    private sealed class CountingReplyChannel : IReplyChannel
    {
        public int Count;

        public void WriteReply(byte[] buffer, int count) => Interlocked.Increment(ref Count);
    }
}
