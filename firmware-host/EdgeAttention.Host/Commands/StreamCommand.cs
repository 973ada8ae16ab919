using System.Device.Gpio;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeAttention.Cli;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
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
    private static readonly Option[] Options =
    [
        Option.RequiredValue("--model", "m.eam", "the model (.eam)"),
        Option.RequiredValue("--source", "SOURCE", "where frames come from: serial, gpio, file, stdin, or audio wav/pcm through the model's front end (forms below)"),
        Option.Flag("--reply", "send a reply frame per step back on the serial port (serial sources only; PROTOCOL.md)"),
        Option.Value("--alert-pin", "N", "GPIO line (BCM number) driven high while --alert-class scores at least --alert-threshold", defaultText: "off"),
        Option.Value("--alert-class", "NAME", "class name (or index) that drives --alert-pin", defaultText: "none"),
        Option.Value("--alert-threshold", "P", "softmax score in 0..1 at which the alert pin goes high", "0.5"),
        Option.Value("--busy-pin", "N", "GPIO line (BCM number) high while a step runs", defaultText: "off"),
        Option.Value("--max-frames", "N", "stop after N frames; 0: run until the source ends or SIGINT/SIGTERM", "0"),
        Option.Value("--ring", "FRAMES", "frames the source thread may queue ahead of the model", "64"),
        Option.Choice("--execution", "continual: one new token per step; recompute: the whole window every step (reference)", "continual", "continual", "recompute"),
        MemoryBudget.Option,
    ];

    private const string Notes =
        "SOURCE: " + SourceSpec.Forms + "\n" +
        "stdout: one JSON line per step once the window is full; stderr: a summary JSON line at the end.";

    /// <summary>The command as the program runs it: the process's stdout/stdin and the board's GPIO.</summary>
    public static Command Create(long startTicks) =>
        Define(a => Execute(a, Console.OpenStandardOutput(), Console.OpenStandardInput(), null, startTicks, CancellationToken.None));

    /// <summary>Runs with explicit streams (tests): parses <paramref name="args"/> like the program does.</summary>
    /// <param name="gpio">GPIO controller factory (tests pass a fake driver); null: the board's controller.</param>
    public static int Execute(string[] args, Stream stdout, TextWriter stderr, Stream stdin, Func<GpioController>? gpio, long startTicks, CancellationToken cancel)
    {
        using var text = new StreamWriter(stdout, leaveOpen: true) { AutoFlush = true };
        var program = new CliProgram("edge-attention", "stream", typeof(Program).Assembly)
            .Add(Define(a => Execute(a, stdout, stdin, gpio, startTicks, cancel)));
        return program.Run(["stream", .. args], text, stderr);
    }

    private static Command Define(Func<CommandLine, int> run) => new("stream", "run the model on a live source: one JSON line per step, optional replies and pins", Options, run)
    {
        Notes = Notes,
    };

    private static int Execute(CommandLine a, Stream stdout, Stream stdin, Func<GpioController>? gpio, long startTicks, CancellationToken cancel)
    {
        TextWriter stderr = a.Error;
        string modelPath = a.Required("--model");
        var spec = SourceSpec.Parse(a.Required("--source"));
        long maxFrames = a.Long("--max-frames", 0, 0, long.MaxValue);
        int ringFrames = a.Int("--ring", 64, 1, 1 << 16);
        int alertPin = a.Int("--alert-pin", -1, 0, 1023);
        int busyPin = a.Int("--busy-pin", -1, 0, 1023);
        float threshold = (float)a.Double("--alert-threshold", 0.5, 0, 1);
        bool reply = a.Has("--reply");
        var execution = a.String("--execution") == "recompute" ? Execution.Recompute : Execution.Continual;
        if (reply && spec.Kind != "serial")
        {
            throw new HostException("--reply needs a serial source (replies go back on the same port)");
        }

        if (a.Has("--alert-class") != (alertPin >= 0))
        {
            throw new HostException("--alert-pin and --alert-class go together: e.g. --alert-pin 27 --alert-class yes --alert-threshold 0.8");
        }

        using var file = ModelLoader.Open(modelPath);
        MemoryBudget.Check(a, file.Config, execution);
        using var session = new Session(file, execution);
        var model = new SessionModel(session);
        int alertClass = alertPin >= 0 ? ResolveClass(a.String("--alert-class")!, model.ClassNames) : -1;

        GpioController? controller = null;
        GpioController Gpio() => controller ??= (gpio ?? SourceFactory.OpenBoardGpio)();

        var counters = new StreamCounters();
        var ring = new FrameRing(ringFrames, model.InputFeatures, counters);
        using var source = SourceFactory.Create(spec, model.InputFeatures, Gpio, stdin, file.Config.Frontend);
        source.Open();

        var sinks = new List<ISink> { new JsonLinesSink(stdout, model.ClassNames) };
        if (reply)
        {
            var port = source.Replies ?? throw new HostException($"{source.Description} cannot carry replies; drop --reply");
            sinks.Add(new SerialReplySink(port, model.Classes));
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
            return ExitCodes.Input;
        }

        return ExitCodes.Ok;
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
