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
/// stdout. A summary JSON line goes to stderr at the end. SIGINT/SIGTERM stop it cleanly within about a second
/// (summary included) even when stdout or the reply port is blocked; a closed stdout (EPIPE) stops it at once.
/// stdout lines go through a bounded buffer written by its own thread: offline replays (file, stdin, audio) wait
/// for room, live sources (serial, gpio) drop and count lines rather than stall the step loop.
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
        "stdin: stdin:framed reads PROTOCOL.md frames (sync, header, CRC): a damaged, short or wrong-length frame is counted and\n" +
        "skipped and later frames stay aligned. stdin (= stdin:raw) is bare little-endian float32 with NO framing: one short\n" +
        "frame shifts every later frame and the error shows only at the end of input.\n" +
        "stdout: one JSON line per step once the window is full; stderr: a summary JSON line at the end, and for serial, gpio\n" +
        "and stdin:framed sources live event lines (waiting, port_lost, reconnected, wrong_length, corrupted, dropped; at\n" +
        "most one per kind per second).";

    /// <summary>The command as the program runs it: the process's stdout/stdin and the board's GPIO.</summary>
    public static Command Create(long startTicks) =>
        Define(a => Execute(a, OpenStdout(), Console.OpenStandardInput(), null, startTicks, CancellationToken.None, exitOnSignal: true));

    /// <summary>
    /// fd 1 as a plain FileStream: unlike Console.OpenStandardOutput (which ignores EPIPE), a write to a pipe
    /// whose reader is gone throws, so `stream ... | head -1` ends the stream at once.
    /// </summary>
    private static Stream OpenStdout()
    {
        try
        {
            return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Console.OpenStandardOutput();
        }
    }

    /// <summary>Runs with explicit streams (tests): parses <paramref name="args"/> like the program does.</summary>
    /// <param name="gpio">GPIO controller factory (tests pass a fake driver); null: the board's controller.</param>
    public static int Execute(string[] args, Stream stdout, TextWriter stderr, Stream stdin, Func<GpioController>? gpio, long startTicks, CancellationToken cancel)
    {
        using var text = new StreamWriter(stdout, leaveOpen: true) { AutoFlush = true };
        var program = new CliProgram("edge-attention", "stream", typeof(Program).Assembly)
            .Add(Define(a => Execute(a, stdout, stdin, gpio, startTicks, cancel, exitOnSignal: false)));
        return program.Run(["stream", .. args], text, stderr);
    }

    private static Command Define(Func<CommandLine, int> run) => new("stream", "run the model on a live source: one JSON line per step, optional replies and pins", Options, run)
    {
        Notes = Notes,
    };

    private static int Execute(CommandLine a, Stream stdout, Stream stdin, Func<GpioController>? gpio, long startTicks, CancellationToken cancel, bool exitOnSignal)
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
        if (spec.Kind == "stdin" && spec.Target.Length == 0)
        {
            stderr.WriteLine(StdinSource.Warning);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bool live = spec.Kind is "serial" or "gpio";
        using var output = new BoundedOutputStream(stdout, OutputBufferBytes, waitWhenFull: !live, stop.Token, onBroken: () => Cancel(stop));
        var sinks = new List<ISink> { new JsonLinesSink(output, model.ClassNames) };
        SerialReplySink? replies = null;
        if (reply)
        {
            var port = source.Replies ?? throw new HostException($"{source.Description} cannot carry replies; drop --reply");
            replies = new SerialReplySink(port, model.Classes);
            sinks.Add(replies);
        }

        PinSink? pins = null;
        if (alertPin >= 0 || busyPin >= 0)
        {
            pins = new PinSink(Gpio(), alertPin, alertClass, threshold, busyPin, ownsController: false);
            sinks.Add(pins);
        }

        var loop = new StreamLoop(model, ring, sinks, pins, startTicks);
        int summaryWritten = 0;
        void Summary()
        {
            if (Interlocked.Exchange(ref summaryWritten, 1) == 0)
            {
                WriteSummary(stderr, loop, counters, session, source.Description, output, replies, source as SerialSource);
            }
        }

        var finished = new ManualResetEventSlim(); // not disposed: a signal watchdog may still wait on it
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            Cancel(stop);
            if (exitOnSignal)
            {
                StartExitWatchdog(finished, Summary);
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        // Live and framed sources report trouble as it happens (stderr JSON lines), not only in the summary.
        var events = live || source is FramedStdinSource ? new StreamEvents(stderr, counters, () => loop.Outputs, model.Window, model.InputFeatures) : null;
        source.Start(ring);
        events?.Start();
        try
        {
            loop.Run(maxFrames, stop.Token);
        }
        finally
        {
            ring.Complete(); // releases a reader blocked on a full ring (lossless file/stdin replay)
            source.Stop();
            events?.Dispose();
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }

            controller?.Dispose();
        }

        Summary();
        finished.Set();
        string? error = ring.Error;
        if (error is not null && !stop.IsCancellationRequested && (maxFrames == 0 || loop.Frames < maxFrames))
        {
            stderr.WriteLine($"error: {error}");
            return ExitCodes.Input;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Bytes of stdout lines that may wait for a slow reader (several thousand lines).</summary>
    private const int OutputBufferBytes = 1 << 20;

    private static void Cancel(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the stream already ended
        }
    }

    /// <summary>
    /// After SIGINT/SIGTERM: if the command has not finished within 1 s (a write the kernel will not complete),
    /// writes the summary (waiting at most 0.5 s for stderr) and exits with 0, the code of a clean stop.
    /// </summary>
    private static void StartExitWatchdog(ManualResetEventSlim finished, Action summary)
    {
        var watchdog = new Thread(() =>
        {
            if (finished.Wait(1000))
            {
                return;
            }

            var writer = new Thread(() => summary()) { IsBackground = true };
            writer.Start();
            writer.Join(500);
            Environment.Exit(ExitCodes.Ok);
        })
        { IsBackground = true, Name = "edge-attention exit" };
        watchdog.Start();
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

    private static void WriteSummary(TextWriter stderr, StreamLoop loop, StreamCounters c, Session session, string source, BoundedOutputStream output, SerialReplySink? replies, SerialSource? serial)
    {
        long repliesDropped = (replies?.Dropped ?? 0) + (serial?.RepliesDropped ?? 0);
        string stdoutState = output.Broken ? "closed" : "ok";
        var inv = CultureInfo.InvariantCulture;
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        string firstAfterFill = loop.Outputs > 0 ? Ms(loop.FirstOutputTicks - loop.WindowFilledArrivalTicks).ToString("F3", inv) : "null";
        stderr.WriteLine(string.Create(inv,
            $"{{\"summary\":{{\"source\":{JsonLinesSink.JsonString(source)},\"frames\":{loop.Frames},\"outputs\":{loop.Outputs},\"dropped\":{c.Dropped},\"rejected\":{c.Rejected + loop.ModelRejected},\"corrupted\":{c.Corrupted},\"missing\":{c.Missing},\"reconnects\":{c.Reconnects},\"p50_us\":{loop.Latency.Percentile(50)},\"p99_us\":{loop.Latency.Percentile(99)},\"max_us\":{loop.Latency.Max},\"first_output_after_window_ms\":{firstAfterFill},\"lines_dropped\":{output.DroppedWrites},\"replies_dropped\":{repliesDropped},\"stdout\":\"{stdoutState}\",\"arena_bytes\":{session.ArenaBytes},\"peak_rss_kb\":{ProcessStats.PeakResidentKb()}}}}}"));
    }
}
