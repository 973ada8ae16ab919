using System.Diagnostics;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Host.Sources;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Pipeline;

/// <summary>
/// The inference loop: takes frames from the ring (oldest first), raises the busy pin, steps the model, lowers
/// it, and hands every step that produced logits to the sinks. Everything it touches per frame is preallocated
/// here, so a step allocates nothing (the tests prove it with GC.GetAllocatedBytesForCurrentThread).
/// </summary>
internal sealed class StreamLoop
{
    private readonly IStepModel _model;
    private readonly FrameRing _ring;
    private readonly ISink[] _sinks;
    private readonly PinSink? _pins;
    private readonly float[] _frame;
    private readonly float[] _logits;
    private readonly float[] _probabilities;
    private readonly long _startTicks;

    public StreamLoop(IStepModel model, FrameRing ring, IReadOnlyList<ISink> sinks, PinSink? pins, long startTicks)
    {
        if (ring.Features != model.InputFeatures)
        {
            throw new ArgumentException($"ring frames have {ring.Features} values, the model takes {model.InputFeatures}");
        }

        _model = model;
        _ring = ring;
        _sinks = [.. sinks];
        _pins = pins;
        _frame = new float[model.InputFeatures];
        _logits = new float[model.Classes];
        _probabilities = new float[model.Classes];
        _startTicks = startTicks;
    }

    public LatencyRecorder Latency { get; } = new();

    /// <summary>Frames taken from the ring and given to the model.</summary>
    public long Frames { get; private set; }

    /// <summary>Steps that produced logits.</summary>
    public long Outputs { get; private set; }

    /// <summary>Frames the model refused (its own NaN/length check; the ring already filters NaN/Inf).</summary>
    public long ModelRejected { get; private set; }

    /// <summary>Stopwatch ticks of the first output (0 before it).</summary>
    public long FirstOutputTicks { get; private set; }

    /// <summary>Stopwatch ticks when the frame that filled the window arrived in the ring (0 before it).</summary>
    public long WindowFilledArrivalTicks { get; private set; }

    /// <summary>Runs until the source ends, maxFrames frames were processed (0: no limit) or stop is cancelled.</summary>
    public void Run(long maxFrames, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && (maxFrames <= 0 || Frames < maxFrames))
        {
            var read = _ring.Read(_frame, out long arrival, 100);
            if (read == RingRead.Completed)
            {
                return;
            }

            if (read == RingRead.Timeout)
            {
                continue;
            }

            ProcessFrame(arrival);
        }
    }

    /// <summary>One frame already in the loop's buffer: step, time, report. Public for allocation tests.</summary>
    internal void ProcessFrame(long arrivalTicks)
    {
        _pins?.BeginStep();
        long t0 = Stopwatch.GetTimestamp();
        var result = _model.Step(_frame, _logits);
        long t1 = Stopwatch.GetTimestamp();
        _pins?.EndStep();
        Frames++;
        if (result == StepStatus.Rejected)
        {
            ModelRejected++;
            return;
        }

        if (result != StepStatus.Ready)
        {
            return;
        }

        long micros = (t1 - t0) * 1_000_000 / Stopwatch.Frequency;
        Latency.Add(micros);
        if (Outputs == 0)
        {
            FirstOutputTicks = t1;
            WindowFilledArrivalTicks = arrivalTicks;
        }

        Outputs++;
        int top = Softmax(_logits, _probabilities);
        var counters = _ring.Counters;
        var output = new StepOutput
        {
            Step = Frames - 1 - ModelRejected,
            TimeSeconds = (t1 - _startTicks) / (double)Stopwatch.Frequency,
            TopClass = top,
            Score = _probabilities[top],
            LatencyMicros = micros,
            Frames = counters.Received,
            Dropped = counters.Dropped,
            Rejected = counters.Rejected + ModelRejected,
            Corrupted = counters.Corrupted,
            Missing = counters.Missing,
        };
        foreach (var sink in _sinks)
        {
            sink.OnStep(output, _logits, _probabilities);
        }
    }

    /// <summary>For tests: puts a frame into the loop's buffer, as a ring read would.</summary>
    internal void LoadFrame(ReadOnlySpan<float> frame) => frame.CopyTo(_frame);

    /// <summary>p = softmax(logits) (max-shifted); returns argmax.</summary>
    internal static int Softmax(ReadOnlySpan<float> logits, Span<float> p)
    {
        int top = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[top])
            {
                top = i;
            }
        }

        float max = logits[top];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double e = Math.Exp(logits[i] - max);
            p[i] = (float)e;
            sum += e;
        }

        for (int i = 0; i < logits.Length; i++)
        {
            p[i] = (float)(p[i] / sum);
        }

        return top;
    }
}
