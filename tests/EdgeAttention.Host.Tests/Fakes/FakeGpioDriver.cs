using System.Collections.Concurrent;
using System.Device.Gpio;

namespace EdgeAttention.Host.Tests.Fakes;

/// <summary>
/// A GpioDriver without hardware: tests raise edges on input pins with <see cref="RaiseEdge"/>; WaitForEvent
/// returns them in order. Writes to output pins are recorded (value and a log of changes) in preallocated
/// storage, so the fake itself allocates nothing per Write (the allocation tests measure the host, not the fake).
/// </summary>
internal sealed class FakeGpioDriver : GpioDriver
{
    private readonly PinMode[] _modes = new PinMode[64];
    private readonly PinValue[] _values = new PinValue[64];
    private readonly BlockingCollection<(int Pin, PinEventTypes Type)> _edges = new();
    private readonly object _logGate = new();

    public List<(int Pin, PinValue Value)> Writes { get; } = new(capacity: 1 << 16);

    public int EdgesConsumed;

    protected override int PinCount => 64;

    public void RaiseEdge(int pin, PinEventTypes type = PinEventTypes.Rising) => _edges.Add((pin, type));

    public PinValue Value(int pin) => _values[pin];

    public int WriteCount(int pin)
    {
        lock (_logGate)
        {
            return Writes.Count(w => w.Pin == pin);
        }
    }

    protected override void OpenPin(int pinNumber) => _modes[pinNumber] = PinMode.Input;

    protected override void ClosePin(int pinNumber) => _modes[pinNumber] = PinMode.Input;

    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => _modes[pinNumber];

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Value(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        _values[pinNumber] = value;
        lock (_logGate)
        {
            Writes.Add((pinNumber, value));
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var e = _edges.Take(cancellationToken);
                if (e.Pin == pinNumber && (e.Type & eventTypes) != 0)
                {
                    Interlocked.Increment(ref EdgesConsumed);
                    return new WaitForEventResult { EventTypes = e.Type, TimedOut = false };
                }
            }
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("the host uses WaitForEvent, not callbacks");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
    }
}
