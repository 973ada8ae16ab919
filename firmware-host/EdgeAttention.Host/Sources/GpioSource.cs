using System.Device.Gpio;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Frames from a sensor behind a data-ready pin: every edge on <c>readyPin</c> (GpioController.WaitForEvent, which
/// does not allocate) triggers one sample read of <c>Channels</c> values; <c>Features / Channels</c> consecutive
/// samples, interleaved (s0c0, s0c1, …, s1c0, …), make one frame. The controller and sensor are injected so tests
/// can use a GpioDriver subclass and SpiDevice/I2cDevice subclasses fed from recorded samples.
/// </summary>
internal sealed class GpioSource : ThreadedSource
{
    private readonly GpioController _controller;
    private readonly ISensorReader _sensor;
    private readonly int _readyPin;
    private readonly PinEventTypes _edge;
    private readonly bool _ownsController;
    private readonly float[] _frame;
    private readonly int _samplesPerFrame;

    public GpioSource(GpioController controller, ISensorReader sensor, int readyPin, int features, PinEventTypes edge = PinEventTypes.Rising, bool ownsController = true)
    {
        if (features % sensor.Channels != 0)
        {
            throw new Cli.HostException($"the model takes {features} features per frame, not a multiple of the {sensor.Channels} channels of the {sensor.Name}: pass channels=N with N dividing {features}");
        }

        _controller = controller;
        _sensor = sensor;
        _readyPin = readyPin;
        _edge = edge;
        _ownsController = ownsController;
        _frame = new float[features];
        _samplesPerFrame = features / sensor.Channels;
    }

    public override string Description => $"gpio {_sensor.Name} (ready pin {_readyPin}, {_sensor.Channels} channels × {_samplesPerFrame} samples per frame)";

    public override int Features => _frame.Length;

    public override void Open()
    {
        try
        {
            if (!_controller.IsPinOpen(_readyPin))
            {
                _controller.OpenPin(_readyPin, PinMode.Input);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new Cli.HostException($"cannot open data-ready pin {_readyPin}: {e.Message}; check the pin number and that the user is in the gpio group", 3);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _sensor.Dispose();
        if (_ownsController)
        {
            _controller.Dispose();
        }
    }

    protected override void Run(FrameRing ring)
    {
        var token = StopToken;
        int channels = _sensor.Channels;
        int sample = 0;
        while (!token.IsCancellationRequested)
        {
            var result = _controller.WaitForEvent(_readyPin, _edge, token);
            if (result.TimedOut)
            {
                continue; // cancelled: the loop condition ends the thread
            }

            _sensor.Read(_frame.AsSpan(sample * channels, channels));
            if (++sample == _samplesPerFrame)
            {
                sample = 0;
                ring.Write(_frame);
            }
        }
    }
}
