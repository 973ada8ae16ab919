using System.Device.Gpio;
using EdgeAttention.Host.Sources;
using EdgeAttention.Host.Tests.Fakes;

namespace EdgeAttention.Host.Tests;

/// <summary>The GPIO source with a fake GpioDriver and fake SPI/I2C devices fed from recorded samples.</summary>
public class GpioSourceTests
{
    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = Environment.TickCount64 + 10000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"timed out waiting for {what}");
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void Mcp3008_EachReadyEdgeReadsOneSample_TwoSamplesMakeAFrame()
    {
        // recorded codes: sample k, channel c → 100·k + c
        int sampleIndex = 0;
        var spi = new FakeMcp3008Spi(c => 100 * (sampleIndex / 3) + c);
        int reads = 0;
        var driver = new FakeGpioDriver();
        var gpio = new GpioController(driver);
        using var source = new GpioSource(gpio, new CountingReader(new Mcp3008Reader(spi, 3), () => { sampleIndex += 3; reads++; }), readyPin: 17, features: 6);
        var ring = new FrameRing(16, 6);
        source.Open();
        source.Start(ring);
        for (int i = 0; i < 4; i++)
        {
            driver.RaiseEdge(17);
        }

        driver.RaiseEdge(5); // another pin: ignored
        WaitFor(() => ring.Counters.Received == 2, "2 frames");
        var frame = new float[6];
        ring.Read(frame, out _, 1000);
        Assert.Equal(new[] { 0, 1, 2, 100, 101, 102 }.Select(v => v / 1023f), frame);
        ring.Read(frame, out _, 1000);
        Assert.Equal(new[] { 200, 201, 202, 300, 301, 302 }.Select(v => v / 1023f), frame);
        Assert.Equal(4, reads);
    }

    [Fact]
    public void Mpu6050_FramesHoldAccelerationAndAngularRate()
    {
        var i2c = new FakeMpu6050I2c();
        var driver = new FakeGpioDriver();
        var gpio = new GpioController(driver);
        using var source = new GpioSource(gpio, new Mpu6050Reader(i2c), readyPin: 4, features: 6);
        var ring = new FrameRing(4, 6);
        source.Open();
        source.Start(ring);
        i2c.Load(16384, 0, -8192, 131, 0, -262);
        driver.RaiseEdge(4);
        WaitFor(() => ring.Counters.Received == 1, "1 frame");
        var frame = new float[6];
        ring.Read(frame, out _, 1000);
        // ±2 g: 16384 LSB = 1 g = 9.807 m/s²; ±250 °/s: 131 LSB = 1 °/s (MPU6050 datasheet)
        Assert.Equal(2 * 9.807f * 16384 / 32768, frame[0], 3);
        Assert.Equal(0f, frame[1], 3);
        Assert.Equal(-2 * 9.807f * 8192 / 32768, frame[2], 3);
        Assert.Equal(250f * 131 / 32768, frame[3], 3);
        Assert.Equal(-250f * 262 / 32768, frame[5], 3);

        // data-ready interrupt on, 100 Hz = 1 kHz / (1 + 9) behind the 44 Hz low-pass filter
        Assert.Equal(0x01, i2c.Register(0x38));
        Assert.Equal(9, i2c.Register(0x19));
        Assert.Equal(3, i2c.Register(0x1A));
    }

    [Fact]
    public void Ads1115_ReadsEachSelectedInputPerEdge()
    {
        int k = 0;
        var i2c = new FakeAds1115I2c(c => (short)(1000 * Volatile.Read(ref k) + 100 * c - 3000));
        var driver = new FakeGpioDriver();
        var gpio = new GpioController(driver);
        using var source = new GpioSource(gpio, new Ads1115Reader(i2c, 2), readyPin: 17, features: 4);
        var ring = new FrameRing(4, 4);
        source.Open();
        source.Start(ring);
        for (int sample = 0; sample < 2; sample++)
        {
            int before = i2c.ConversionsRead;
            Volatile.Write(ref k, sample);
            driver.RaiseEdge(17);
            WaitFor(() => i2c.ConversionsRead >= before + 2, "two conversions");
        }

        WaitFor(() => ring.Counters.Received == 1, "1 frame");
        var frame = new float[4];
        ring.Read(frame, out _, 1000);
        Assert.Equal(new[] { -3000, -2900, -2000, -1900 }.Select(v => v / 32768f), frame);
    }

    [Fact]
    public void FeaturesNotAMultipleOfTheChannels_IsAOneLineError()
    {
        var gpio = new GpioController(new FakeGpioDriver());
        var e = Assert.Throws<Cli.HostException>(() =>
            new GpioSource(gpio, new Mcp3008Reader(new FakeMcp3008Spi(_ => 0), 3), readyPin: 17, features: 8));
        Assert.Contains("not a multiple of the 3 channels", e.Message);
    }

    /// <summary>Wraps a reader to observe each sample read.</summary>
    private sealed class CountingReader(ISensorReader inner, Action afterRead) : ISensorReader
    {
        public string Name => inner.Name;

        public int Channels => inner.Channels;

        public void Read(Span<float> sample)
        {
            inner.Read(sample);
            afterRead();
        }

        public void Dispose() => inner.Dispose();
    }
}
