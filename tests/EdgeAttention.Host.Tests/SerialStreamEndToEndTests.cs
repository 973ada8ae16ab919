using System.Text;
using System.Text.Json;
using EdgeAttention.Host.Commands;
using EdgeAttention.Host.Tests.Native;
using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Tests;

/// <summary>`edge-attention stream --source serial:PTY --reply`: frames written into a pseudo-terminal, JSON lines checked.</summary>
public class SerialStreamEndToEndTests
{
    [Fact]
    public void StreamOverAPty_EmitsJsonLines_AndReplies()
    {
        using var m = new TestModel(window: 4);
        const int T = 20;
        var frames = m.Frames(T);
        var expected = m.Expected(frames);
        using var pty = PseudoTerminal.Open();
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = -1;
        var run = new Thread(() => code = StreamCommand.Execute(
            ["--model", m.Path, "--source", $"serial:{pty.SlavePath},baud=115200", "--reply", "--max-frames", $"{T}"],
            stdout, stderr, Stream.Null, null, 0, CancellationToken.None));
        run.Start();
        Thread.Sleep(1000); // let the port open (the slave keeps whatever arrives earlier anyway)
        var buffer = new byte[64];
        var replies = new List<byte>();
        var readBuffer = new byte[4096];
        for (int t = 0; t < T; t++)
        {
            int n = SerialProtocol.EncodeFloat32(buffer, (uint)t, frames.AsSpan(t * 3, 3));
            pty.Write(buffer.AsSpan(0, n));
            Thread.Sleep(5); // a sensor's pace; the ring is large enough either way
            int got = pty.Read(readBuffer, 0);
            replies.AddRange(readBuffer.AsSpan(0, got).ToArray());
        }

        Assert.True(run.Join(15000), "stream did not finish");
        Assert.True(code == 0, stderr.ToString());
        var lines = Encoding.UTF8.GetString(stdout.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(T - 4 + 1, lines.Length);
        for (int j = 0; j < lines.Length; j++)
        {
            using var doc = JsonDocument.Parse(lines[j]);
            Assert.Equal(3 + j, doc.RootElement.GetProperty("step").GetInt64());
            Assert.Equal(expected[j].Top, doc.RootElement.GetProperty("index").GetInt32());
        }

        var deadline = Environment.TickCount64 + 3000;
        while (replies.Count < lines.Length * (14 + 8 + 12 + 4) && Environment.TickCount64 < deadline)
        {
            int got = pty.Read(readBuffer, 100);
            replies.AddRange(readBuffer.AsSpan(0, got).ToArray());
        }

        Assert.Equal(lines.Length * (14 + 8 + 12 + 4), replies.Count);
        Assert.Equal(SerialProtocol.KindReply, replies[3]);
    }
}
