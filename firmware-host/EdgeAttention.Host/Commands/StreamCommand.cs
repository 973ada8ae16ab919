using System.Device.Gpio;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Pipeline;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Host.Sources;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention stream --model m.eam --source SPEC [--reply] [--alert-pin N --alert-class NAME --alert-threshold P]
/// [--busy-pin N] [--max-frames N] [--ring N] [--execution continual|recompute]</c>:
/// a source thread fills the frame ring; this thread steps the session and writes one JSON line per output to
/// stdout. A summary JSON line goes to stderr at the end. SIGINT/SIGTERM stop it cleanly.
/// </summary>
internal static class StreamCommand
{
    public const string Usage =
        "usage: edge-attention stream --model m.eam --source SOURCE [--reply] [--alert-pin N --alert-class NAME --alert-threshold P] [--busy-pin N] [--max-frames N] [--ring FRAMES] [--execution continual|recompute]\n" +
        "  SOURCE: " + SourceSpec.Forms + "\n" +
        "  stdout: one JSON line per step once the window is full; stderr: a summary JSON line at the end.";

    private static readonly string[] ValueOptions =
        ["--model", "--source", "--alert-pin", "--alert-class", "--alert-threshold", "--busy-pin", "--max-frames", "--ring", "--execution"];

    private static readonly string[] FlagOptions = ["--reply"];

    public static int Execute(string[] args, long startTicks) =>
        Execute(args, Console.OpenStandardOutput(), Console.Error, Console.OpenStandardInput(), null, startTicks, CancellationToken.None);

    /// <param name="gpio">GPIO controller factory (tests pass a fake driver); null: the board's controller.</param>
    public static int Execute(string[] args, Stream stdout, TextWriter stderr, Stream stdin, Func<GpioController>? gpio, long startTicks, CancellationToken cancel)
    {
        if (ArgReader.WantsHelp(args))
        {
            var usage = System.Text.Encoding.UTF8.GetBytes(Usage + "\n");
            stdout.Write(usage, 0, usage.Length);
            stdout.Flush();
            return 0;
        }

        var a = new ArgReader("stream", args, ValueOptions, FlagOptions);
        string modelPath = a.Required("--model", "pass --model <path to .eam>");
        var spec = SourceSpec.Parse(a.Required("--source", "pass --source " + SourceSpec.Forms));
        long maxFrames = a.Long("--max-frames", 0, 0, long.MaxValue);
        int ringFrames = a.Int("--ring", 64, 1, 1 << 16);
        int alertPin = a.Int("--alert-pin", -1, 0, 1023);
        int busyPin = a.Int("--busy-pin", -1, 0, 1023);
        float threshold = (float)a.Double("--alert-threshold", 0.5, 0, 1);
        bool reply = a.Has("--reply");
        var execution = a.String("--execution") switch
        {
            null or "continual" => Execution.Continual,
            "recompute" => Execution.Recompute,
            var e => throw new HostException($"--execution must be continual or recompute (got '{e}')"),
        };
        if (reply && spec.Kind != "serial")
        {
            throw new HostException("--reply needs a serial source (replies go back on the same port)");
        }

        if (a.Has("--alert-class") != (alertPin >= 0))
        {
            throw new HostException("--alert-pin and --alert-class go together: e.g. --alert-pin 27 --alert-class yes --alert-threshold 0.8");
        }

        using var file = ModelLoader.Open(modelPath);
        using var session = new Session(file, execution);
        var model = new SessionModel(session);
        int alertClass = alertPin >= 0 ? ResolveClass(a.String("--alert-class")!, model.ClassNames) : -1;

        GpioController? controller = null;
        GpioController Gpio() => controller ??= (gpio ?? SourceFactory.OpenBoardGpio)();

        var counters = new StreamCounters();
        var ring = new FrameRing(ringFrames, model.InputFeatures, counters);
        using var source = SourceFactory.Create(spec, model.InputFeatures, Gpio, stdin);
        source.Open();

        var sinks = new List<ISink> { new JsonLinesSink(stdout, model.ClassNames) };
        if (reply)
        {
            sinks.Add(new SerialReplySink((SerialSource)source, model.Classes));
        }

        PinSink? pins = null;
        if (alertPin >= 0 || busyPin >= 0)
        {
            pins = new PinSink(Gpio(), alertPin, alertClass, threshold, busyPin, ownsController: false);
            sinks.Add(pins);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        var loop = new StreamLoop(model, ring, sinks, pins, startTicks);
        source.Start(ring);
        try
        {
            loop.Run(maxFrames, stop.Token);
        }
        finally
        {
            ring.Complete(); // releases a reader blocked on a full ring (lossless file/stdin replay)
            source.Stop();
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }

            controller?.Dispose();
        }

        WriteSummary(stderr, loop, counters, session, source.Description);
        string? error = ring.Error;
        if (error is not null && !stop.IsCancellationRequested && (maxFrames == 0 || loop.Frames < maxFrames))
        {
            stderr.WriteLine($"error: {error}");
            return 1;
        }

        return 0;
    }

    private static int ResolveClass(string name, IReadOnlyList<string> classes)
    {
        for (int i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name)
            {
                return i;
            }
        }

        if (int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0 && index < classes.Count)
        {
            return index;
        }

        throw new HostException($"--alert-class '{name}' is not a class of this model; use one of: {string.Join(", ", classes)} (or an index 0..{classes.Count - 1})");
    }

    private static void WriteSummary(TextWriter stderr, StreamLoop loop, StreamCounters c, Session session, string source)
    {
        var inv = CultureInfo.InvariantCulture;
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        string firstAfterFill = loop.Outputs > 0 ? Ms(loop.FirstOutputTicks - loop.WindowFilledArrivalTicks).ToString("F3", inv) : "null";
        stderr.WriteLine(string.Create(inv,
            $"{{\"summary\":{{\"source\":{JsonLinesSink.JsonString(source)},\"frames\":{loop.Frames},\"outputs\":{loop.Outputs},\"dropped\":{c.Dropped},\"rejected\":{c.Rejected + loop.ModelRejected},\"corrupted\":{c.Corrupted},\"missing\":{c.Missing},\"reconnects\":{c.Reconnects},\"p50_us\":{loop.Latency.Percentile(50)},\"p99_us\":{loop.Latency.Percentile(99)},\"max_us\":{loop.Latency.Max},\"first_output_after_window_ms\":{firstAfterFill},\"arena_bytes\":{session.ArenaBytes},\"peak_rss_kb\":{ProcessStats.PeakResidentKb()}}}}}"));
    }
}
