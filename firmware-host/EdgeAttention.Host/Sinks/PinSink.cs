using System.Device.Gpio;

namespace EdgeAttention.Host.Sinks;

/// <summary>
/// GPIO outputs: an alert pin held high while softmax(logits)[alertClass] ≥ threshold (written only on change),
/// and a busy pin raised just before and lowered just after each Session.Step so a logic analyser measures the
/// step latency on the board. Either pin is optional (−1). Writes go through GpioController.Write(ReadOnlySpan of
/// PinValuePair): in System.Device.Gpio 4.2 the single-pin Write(int, PinValue) allocates 40 bytes per call, the
/// span overload none (measured; the zero-allocation test covers this sink).
/// </summary>
internal sealed class PinSink : ISink
{
    private readonly GpioController _controller;
    private readonly int _alertPin;
    private readonly int _alertClass;
    private readonly float _threshold;
    private readonly int _busyPin;
    private readonly bool _ownsController;
    private bool _alertHigh;

    public PinSink(GpioController controller, int alertPin, int alertClass, float threshold, int busyPin, bool ownsController)
    {
        _controller = controller;
        _alertPin = alertPin;
        _alertClass = alertClass;
        _threshold = threshold;
        _busyPin = busyPin;
        _ownsController = ownsController;
        try
        {
            if (alertPin >= 0)
            {
                _controller.OpenPin(alertPin, PinMode.Output, PinValue.Low);
            }

            if (busyPin >= 0)
            {
                _controller.OpenPin(busyPin, PinMode.Output, PinValue.Low);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new Cli.HostException($"cannot open output pin: {e.Message}; check the pin numbers and that the user is in the gpio group", 3);
        }
    }

    public bool AlertHigh => _alertHigh;

    public void BeginStep()
    {
        if (_busyPin >= 0)
        {
            Set(_busyPin, PinValue.High);
        }
    }

    public void EndStep()
    {
        if (_busyPin >= 0)
        {
            Set(_busyPin, PinValue.Low);
        }
    }

    public void OnStep(in StepOutput o, ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities)
    {
        if (_alertPin < 0)
        {
            return;
        }

        bool high = probabilities[_alertClass] >= _threshold;
        if (high != _alertHigh)
        {
            Set(_alertPin, high ? PinValue.High : PinValue.Low);
            _alertHigh = high;
        }
    }

    private void Set(int pin, PinValue value)
    {
        Span<PinValuePair> pair = stackalloc PinValuePair[1];
        pair[0] = new PinValuePair(pin, value);
        _controller.Write(pair);
    }

    public void Dispose()
    {
        if (_alertPin >= 0 && _alertHigh)
        {
            Set(_alertPin, PinValue.Low);
        }

        if (_ownsController)
        {
            _controller.Dispose();
        }
    }
}
