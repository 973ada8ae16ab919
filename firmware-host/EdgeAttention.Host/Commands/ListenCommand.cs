using System.Diagnostics;
using System.Globalization;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Audio;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Host.Sources;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary>
/// <c>edge-attention listen [--model m.eam] (--input clip.wav | --source SOURCE) [--threshold P] [--smooth-ms 100]
/// [--refractory-ms 1000] [--json]</c>: keyword spotting. Audio goes through the model's front end, one model step per
/// frame, and <see cref="KeywordDetector"/> turns the logits into detections: one line per detection (stream time of
/// the frame's last sample, keyword, smoothed score), JSON lines with --json; a summary line on stderr at the end
/// (frames, detections, audio seconds, CPU seconds and CPU share of real time).
/// </summary>
internal static class ListenCommand
{
    /// <summary>File name of the bundled model looked for when --model is not given.</summary>
    public const string BundledModelName = "kws12.eam";

    private static readonly Option[] Options =
    [
        Option.Value("--model", "m.eam", "a keyword model with an audio front end", defaultText: "the bundled " + BundledModelName),
        Option.Value("--input", "clip.wav", "a PCM16 WAV clip (as fast as the model runs)", defaultText: "none"),
        Option.Value("--source", "SOURCE", "live audio: wav:clip.wav[,realtime] | pcm:-[,rate=16000] (raw S16_LE mono on stdin)", defaultText: "none"),
        Option.Value("--threshold", "P", "smoothed posterior (0..1) at which a keyword is detected", "0.5"),
        Option.Value("--smooth-ms", "MS", "posteriors are averaged over the last MS milliseconds of steps", "100"),
        Option.Value("--refractory-ms", "MS", "after a detection the keyword is muted for MS milliseconds", "1000"),
        Option.Flag("--json", "one JSON object per detection instead of a text line"),
        MemoryBudget.Option,
    ];

    /// <summary>The command as the program runs it (the process's stdin for pcm:-).</summary>
    public static Command Create() => Define(a => Execute(a, Console.OpenStandardInput()));

    /// <summary>The command with an explicit stdin (tests).</summary>
    public static Command Create(Stream stdin) => Define(a => Execute(a, stdin));

    private static Command Define(Func<CommandLine, int> run) => new("listen", "keyword spotting on audio: one line per detected keyword", Options, run)
    {
        Notes = "Keywords: every class but silence/unknown. Without --model: " + BundledModelName + " beside the binary, in models/ beside it, or in /usr/share/edge-attention/.\n" +
                "On a Pi: arecord -D plughw:1,0 -f S16_LE -r 16000 -c 1 -t raw | edge-attention listen --source pcm:- (see AUDIO.md).",
    };

    /// <summary>Where the bundled model is looked for, in order.</summary>
    public static string[] BundledModelPaths() =>
        [Path.Combine(AppContext.BaseDirectory, BundledModelName), Path.Combine(AppContext.BaseDirectory, "models", BundledModelName), "/usr/share/edge-attention/" + BundledModelName];

    private static int Execute(CommandLine a, Stream stdin)
    {
        string? input = a.String("--input");
        string? sourceText = a.String("--source");
        if ((input is null) == (sourceText is null))
        {
            throw a.Usage("give exactly one of --input clip.wav or --source SOURCE");
        }

        double threshold = a.Double("--threshold", 0.5, 0, 1);
        double smoothMs = a.Double("--smooth-ms", 100, 0, 60_000);
        double refractoryMs = a.Double("--refractory-ms", 1000, 0, 3_600_000);
        bool json = a.Has("--json");
        string modelPath = a.String("--model") ?? FindBundledModel();

        using ModelFile file = ModelLoader.Open(modelPath);
        MemoryBudget.Check(a, file.Config, Execution.Continual);
        ModelConfig c = file.Config;
        FrontendConfig f = AudioInput.RequireFrontend(c, input ?? sourceText!);
        ISource source;
        if (input is not null)
        {
            if (!File.Exists(input))
            {
                throw new HostException($"WAV file {input} not found; pass --input <path to a PCM16 WAV>", ExitCodes.Input);
            }

            source = new WavSource(input, AudioInput.ReadSamples(f, input), f, realtime: false);
        }
        else
        {
            SourceSpec spec = SourceSpec.Parse(sourceText!);
            if (spec.Kind is not ("wav" or "pcm"))
            {
                throw new HostException($"listen takes audio sources only (wav:clip.wav[,realtime] or pcm:-[,rate={f.SampleRate}]); '{sourceText}' is a frame source, use 'edge-attention stream' for it");
            }

            source = AudioSources.Create(spec, f, stdin);
            spec.RejectUnused();
        }

        using (source)
        {
            return Listen(a, file, f, source, threshold, smoothMs, refractoryMs, json);
        }
    }

    private static int Listen(CommandLine a, ModelFile file, FrontendConfig f, ISource source, double threshold, double smoothMs, double refractoryMs, bool json)
    {
        ModelConfig c = file.Config;
        var inv = CultureInfo.InvariantCulture;
        double hopMs = 1000.0 * f.Hop / f.SampleRate;
        var detector = new KeywordDetector(c.Classes, hopMs, smoothMs, refractoryMs, threshold);
        using var session = new Session(file);
        var ring = new FrameRing(256, f.Mels);
        var frame = new float[f.Mels];
        var logits = new float[c.ClassCount];
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long wallStart = Stopwatch.GetTimestamp();
        long frames = 0, detections = 0;
        source.Open();
        source.Start(ring);
        try
        {
            while (ring.Read(frame, out _, -1) == RingRead.Frame)
            {
                long k = frames++;
                if (session.Step(frame, logits) != StepStatus.Ready || !detector.Update(logits, out int keyword, out float score))
                {
                    continue;
                }

                detections++;
                double time = ((double)k * f.Hop + f.Window) / f.SampleRate;
                a.Out.WriteLine(json
                    ? string.Create(inv, $"{{\"time_s\":{time:F3},\"keyword\":{JsonLinesSink.JsonString(c.Classes[keyword])},\"score\":{score:F4},\"frame\":{k}}}")
                    : string.Create(inv, $"{time,9:F3}s  {c.Classes[keyword]}  {score:F3}"));
                a.Out.Flush();
            }
        }
        finally
        {
            ring.Complete();
            source.Stop();
        }

        if (ring.Error is { } error)
        {
            throw new HostException(CliProgram.OneLine(error), ExitCodes.Input);
        }

        double audioS = frames == 0 ? 0 : ((double)(frames - 1) * f.Hop + f.Window) / f.SampleRate;
        double cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        double wallS = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        a.Error.WriteLine(string.Create(inv,
            $"{{\"summary\":{{\"source\":{JsonLinesSink.JsonString(source.Description)},\"frames\":{frames},\"detections\":{detections},\"audio_s\":{audioS:F3},\"wall_s\":{wallS:F3},\"cpu_s\":{cpuS:F3},\"cpu_share_of_real_time\":{(audioS > 0 ? cpuS / audioS : 0):F4}}}}}"));
        return ExitCodes.Ok;
    }

    private static string FindBundledModel()
    {
        foreach (string p in BundledModelPaths())
        {
            if (File.Exists(p)) return p;
        }

        throw new HostException($"no --model given and no bundled model at {string.Join(" or ", BundledModelPaths())}; pass --model <keyword model .eam>", ExitCodes.Input);
    }
}
