using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Pipeline;
using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Tests;

/// <summary>Live stderr events of a live stream, driven by hand (Poll with an explicit clock), and serial path errors.</summary>
public class StreamEventsTests
{
    [Fact]
    public void Events_ReportWaitingLostReconnectedWrongLengthAndDrops_RateLimited()
    {
        var counters = new StreamCounters();
        var stderr = new StringWriter();
        long outputs = 0;
        var events = new StreamEvents(stderr, counters, () => outputs, window: 24, expectedValues: 40);
        events.Poll(0);
        Assert.Contains("{\"event\":\"waiting\",\"frames\":0,\"window\":24}", stderr.ToString());

        counters.AddDisconnect();
        counters.SetWrongLength(1, 39);
        counters.AddDropped();
        events.Poll(100);
        string text = stderr.ToString();
        Assert.Contains("{\"event\":\"port_lost\",\"count\":1}", text);
        Assert.Contains("{\"event\":\"wrong_length\",\"expected\":40,\"got\":39,\"count\":1}", text);
        Assert.Contains("{\"event\":\"dropped\",\"count\":1}", text);

        // 400 more wrong frames within the same second: no line until a second has passed, then one with the total.
        counters.SetWrongLength(401, 39);
        counters.AddReconnect();
        events.Poll(500);
        Assert.Equal(1, Count(stderr.ToString(), "wrong_length"));
        Assert.Contains("{\"event\":\"reconnected\",\"count\":1,\"missing\":0}", stderr.ToString());
        events.Poll(1200);
        Assert.Equal(2, Count(stderr.ToString(), "wrong_length"));
        Assert.Contains("\"got\":39,\"count\":401}", stderr.ToString());

        outputs = 1; // window full: no more waiting lines
        int waiting = Count(stderr.ToString(), "waiting");
        events.Poll(10_000);
        Assert.Equal(waiting, Count(stderr.ToString(), "waiting"));
    }

    [Fact]
    public void CorruptedFrames_AreReportedApartFromWrongLengthOnes()
    {
        var counters = new StreamCounters();
        var stderr = new StringWriter();
        var events = new StreamEvents(stderr, counters, () => 1, window: 4, expectedValues: 3);
        counters.SetWrongLength(2, 2);
        counters.SetLinkTotals(corrupted: 2, missing: 2); // both corrupted frames were wrong-length ones
        events.Poll(0);
        Assert.DoesNotContain("\"corrupted\"", stderr.ToString());
        counters.SetLinkTotals(corrupted: 3, missing: 3); // one bad CRC: resynchronised on the next sync word
        events.Poll(100);
        Assert.Contains("{\"event\":\"corrupted\",\"count\":3}", stderr.ToString());
    }

    [Fact]
    public void EventLines_AllocateNothing()
    {
        var counters = new StreamCounters();
        var events = new StreamEvents(TextWriter.Null, counters, () => 0, window: 4, expectedValues: 3);
        events.Poll(0); // warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int second = 1; second <= 1000; second++)
        {
            counters.AddDropped();
            counters.AddDisconnect();
            counters.AddReconnect();
            counters.SetWrongLength(second, 2);
            counters.SetLinkTotals(corrupted: 2 * second, missing: second);
            events.Poll(second * 2000L); // every kind due: 6 lines per poll
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WrongLengthFrames_AreCountedWithTheirValueCount()
    {
        var d = new SerialFrameDecoder(4);
        var buffer = new byte[SerialProtocol.MaxFrameBytes];
        int n = SerialProtocol.EncodeFloat32(buffer, 0, [1f, 2f, 3f]);
        d.Append(buffer.AsSpan(0, n));
        Assert.False(d.TryDecode(new float[4]));
        Assert.Equal(1, d.WrongLength);
        Assert.Equal(3, d.LastWrongValues);
    }

    [Fact]
    public void ARegularFileAsSerialPath_IsNotCalledAPermissionProblemForRoot()
    {
        string path = Path.GetTempFileName();
        try
        {
            using var source = new SerialSource(path, 115200, 3);
            var e = Assert.Throws<HostException>(source.Open);
            Assert.Contains("not a serial device", e.Message);
            if (Environment.IsPrivilegedProcess)
            {
                Assert.DoesNotContain("dialout", e.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int Count(string text, string word)
    {
        int count = 0;
        for (int at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
