using System.Device.Gpio;
using System.Text;
using System.Text.Json;
using EdgeAttention.Host.Pipeline;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Host.Sources;
using EdgeAttention.Host.Tests.Fakes;

namespace EdgeAttention.Host.Tests;

public class StreamLoopTests
{
    private static readonly string[] Classes = ["quiet", "say \"yes\"", "no"];

    [Fact]
    public void JsonLine_HasEveryField_AndParses()
    {
        var sink = new JsonLinesSink(Stream.Null, Classes);
        var buffer = new byte[1024];
        int n = sink.Format(new StepOutput
        {
            Step = 63, TimeSeconds = 1.5, TopClass = 1, Score = 0.25f, LatencyMicros = 45,
            Frames = 70, Dropped = 2, Rejected = 3, Corrupted = 4, Missing = 5,
        }, buffer);
        var line = Encoding.UTF8.GetString(buffer, 0, n);
        Assert.EndsWith("}\n", line);
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        Assert.Equal(63, r.GetProperty("step").GetInt64());
        Assert.Equal(1.5, r.GetProperty("time").GetDouble());
        Assert.Equal("say \"yes\"", r.GetProperty("class").GetString());
        Assert.Equal(1, r.GetProperty("index").GetInt32());
        Assert.Equal(0.25, r.GetProperty("score").GetDouble(), 6);
        Assert.Equal(45, r.GetProperty("latency_us").GetInt64());
        Assert.Equal(70, r.GetProperty("frames").GetInt64());
        Assert.Equal(2, r.GetProperty("dropped").GetInt64());
        Assert.Equal(3, r.GetProperty("rejected").GetInt64());
        Assert.Equal(4, r.GetProperty("corrupted").GetInt64());
        Assert.Equal(5, r.GetProperty("missing").GetInt64());
    }

    [Fact]
    public void Loop_EmitsOneLinePerStepAfterWarmup_WithStreamPositions()
    {
        var model = new FakeModel(2, Classes, window: 4);
        var ring = new FrameRing(64, 2);
        var output = new MemoryStream();
        var loop = new StreamLoop(model, ring, [new JsonLinesSink(output, Classes)], null, 0);
        for (int i = 0; i < 10; i++)
        {
            ring.Write([i % 2 == 0 ? 2f : 0f, 0f]);
        }

        ring.Complete();
        loop.Run(0, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(10 - 4 + 1, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(3, first.RootElement.GetProperty("step").GetInt64());
        Assert.Equal("quiet", first.RootElement.GetProperty("class").GetString()); // frame 3: x0 = 0 → logits 0, −1, −2
    }

    [Fact]
    public void NaNFrames_AreCountedAndNeverReachTheModel()
    {
        var model = new FakeModel(2, Classes, window: 2);
        var ring = new FrameRing(64, 2);
        var output = new MemoryStream();
        var loop = new StreamLoop(model, ring, [new JsonLinesSink(output, Classes)], null, 0);
        ring.Write([1f, 1f]);
        ring.Write([float.NaN, 1f]);
        ring.Write([1f, float.PositiveInfinity]);
        ring.Write([1f, 1f]);
        ring.Complete();
        loop.Run(0, CancellationToken.None);
        Assert.False(model.SawNonFinite);
        Assert.Equal(2, model.Seen);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(output.ToArray()).Trim());
        Assert.Equal(2, doc.RootElement.GetProperty("rejected").GetInt64());
    }

    [Fact]
    public void MaxFrames_StopsTheLoop()
    {
        var model = new FakeModel(2, Classes, window: 1);
        var ring = new FrameRing(64, 2);
        var loop = new StreamLoop(model, ring, [new JsonLinesSink(new CountingStream(), Classes)], null, 0);
        for (int i = 0; i < 20; i++)
        {
            ring.Write([1f, 1f]);
        }

        loop.Run(5, CancellationToken.None);
        Assert.Equal(5, loop.Frames);
        Assert.Equal(15, ring.Count);
    }

    [Fact]
    public void Step_WithJsonAndPinSinks_AllocatesNothing()
    {
        var model = new FakeModel(2, Classes, window: 1);
        var ring = new FrameRing(8, 2);
        var counting = new CountingStream();
        var driver = new FakeGpioDriver();
        using var gpio = new GpioController(driver);
        var pins = new PinSink(gpio, alertPin: 27, alertClass: 2, threshold: 0.5f, busyPin: 22, ownsController: false);
        var loop = new StreamLoop(model, ring, [new JsonLinesSink(counting, Classes), pins], pins, 0);
        var frame = new float[] { 3f, 0f };
        loop.LoadFrame(frame);
        loop.ProcessFrame(0); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++)
        {
            ring.Write(frame);
            ring.Read(frame, out long arrival, 0);
            frame[0] = i % 2 == 0 ? 3f : -3f; // alert pin toggles every step
            loop.LoadFrame(frame);
            loop.ProcessFrame(arrival);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(501, counting.Lines);
    }

    [Fact]
    public void PinSink_HoldsTheAlertPinWhileTheClassIsAboveThreshold_AndPulsesBusy()
    {
        var model = new FakeModel(2, Classes, window: 1);
        var ring = new FrameRing(8, 2);
        var driver = new FakeGpioDriver();
        using var gpio = new GpioController(driver);
        var pins = new PinSink(gpio, alertPin: 27, alertClass: 2, threshold: 0.8f, busyPin: 22, ownsController: false);
        var loop = new StreamLoop(model, ring, [pins], pins, 0);

        // x0 = 5: logits 5, 9, 13 → p(no) ≈ 0.98 ≥ 0.8 → high
        loop.LoadFrame([5f, 0f]);
        loop.ProcessFrame(0);
        Assert.Equal(PinValue.High, driver.Value(27));

        // x0 = 0: logits 0, −1, −2 → p(no) small → low
        loop.LoadFrame([0f, 0f]);
        loop.ProcessFrame(0);
        Assert.Equal(PinValue.Low, driver.Value(27));

        // busy: raised and lowered around each of the 2 steps
        var busy = driver.Writes.Where(w => w.Pin == 22).Select(w => (int)(w.Value == PinValue.High ? 1 : 0)).ToArray();
        Assert.Equal(new[] { 1, 0, 1, 0 }, busy.Skip(busy.Length - 4));
        Assert.Equal(PinValue.Low, driver.Value(22));
    }
}
