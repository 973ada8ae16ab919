using Microsoft.ML.OnnxRuntime;

namespace EdgeAttention.OnnxCompare;

/// <summary>
/// How a user runs the exported window with ONNX Runtime today: one <see cref="InferenceSession"/>, a window
/// buffer [1, n, F] that slides by one frame per step, and one <c>Run</c> per new frame on pre-allocated
/// input/output tensors (window.onnx: frames [1, n, F] float32, start [1] int64 → logits [1, C]).
/// </summary>
internal sealed class OrtWindow : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly float[] _window;
    private readonly long[] _start = new long[1];
    private readonly float[] _logits;
    private readonly OrtValue _windowValue, _startValue, _logitsValue;
    private readonly string[] _inputNames = ["frames", "start"], _outputNames = ["logits"];
    private readonly OrtValue[] _inputs, _outputs;
    private readonly int _n, _f;

    /// <param name="threads">intra-op threads; 0 = ONNX Runtime's default (one per core)</param>
    public OrtWindow(string onnxPath, int n, int f, int classes, int threads)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
            options.InterOpNumThreads = 1;
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
        }

        _session = new InferenceSession(onnxPath, options);
        _n = n;
        _f = f;
        _window = new float[n * f];
        _logits = new float[classes];
        _windowValue = OrtValue.CreateTensorValueFromMemory(_window, [1, n, f]);
        _startValue = OrtValue.CreateTensorValueFromMemory(_start, [1]);
        _logitsValue = OrtValue.CreateTensorValueFromMemory(_logits, [1, classes]);
        _inputs = [_windowValue, _startValue];
        _outputs = [_logitsValue];
    }

    public ReadOnlySpan<float> Logits => _logits;

    /// <summary>Fills the window with frames t − n + 1 … t of <paramref name="frames"/> [T, F] (no run).</summary>
    public void Fill(float[] frames, long t)
    {
        long first = t - _n + 1;
        Array.Copy(frames, first * _f, _window, 0, (long)_n * _f);
        _start[0] = first;
    }

    /// <summary>One stream step: slide the window by frame t of <paramref name="frames"/>, then one Run.</summary>
    public void Step(float[] frames, long t)
    {
        Array.Copy(_window, _f, _window, 0, (_n - 1) * _f);
        Array.Copy(frames, t * _f, _window, (_n - 1) * _f, _f);
        _start[0] = t - _n + 1;
        Run();
    }

    public void Run() => _session.Run(_run, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _windowValue.Dispose();
        _startValue.Dispose();
        _logitsValue.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
