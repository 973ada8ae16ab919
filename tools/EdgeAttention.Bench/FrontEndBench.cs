using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EdgeAttention.Format;
using EdgeAttention.FrontEnd;
using EdgeAttention.Kernels;
using EdgeAttention.Model;

namespace EdgeAttention.Bench;

/// <summary>
/// <c>edge-attention-bench frontend [--output tools/EdgeAttention.Bench/results/frontend.md]</c>: the log-mel front end of
/// models/README.md §6 with the default block (16 kHz, W 400, H 160, N 512, 40 mels): µs per hop (one hop of samples in,
/// one frame out) for every kernel variant, its parts (float64 FFT + power, mel filterbank), bytes allocated per hop,
/// and the whole audio pipeline (front end + a kws-sized continual Nyström model, <see cref="AudioSession"/>) per hop
/// as a share of real time (hop = 10 ms of audio).
/// </summary>
public static class FrontEndBench
{
    public static readonly FrontendConfig Default = new()
    {
        SampleRate = 16000, Window = 400, Hop = 160, Fft = 512, Mels = 40, FMin = 20, FMax = 7600, LogFloor = 1e-6,
    };

    /// <summary>A kws-sized model (the contract's example config) with the default front end.</summary>
    public static ModelConfig Kws()
    {
        var c = new ModelConfig
        {
            Name = "kws-tiny-audio", InputFeatures = 40, DModel = 64, Heads = 4, Window = 64, Layers = 1, FfDim = 128,
            Activation = ActivationKind.Gelu, Norm = NormPlacement.Post, Positional = PositionalKind.Recycling, PositionalPeriod = 64,
            Attention = AttentionKind.Nystrom, Landmarks = 8, LandmarkMode = LandmarkMode.Continual, PinvIterations = 6, FinalNorm = true,
            Classes = ["silence", "unknown", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"],
            Frontend = Default,
        };
        c.Validate();
        return c;
    }

    private sealed class Discard : IAudioStepSink
    {
        public long Steps;
        public void OnStep(long frame, StepStatus status, ReadOnlySpan<float> features, ReadOnlySpan<float> logits) => Steps++;
    }

    public static int Run(string[] args)
    {
        string? outputPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--output" && i + 1 < args.Length)
            {
                outputPath = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"error: unknown argument '{args[i]}'; usage: edge-attention-bench frontend [--output tools/EdgeAttention.Bench/results/frontend.md]");
                return 2;
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var h = new Harness();
        int hop = Default.Hop;
        var rng = new Random(1);
        short[] audio = new short[16000 * 4];
        for (int i = 0; i < audio.Length; i++) audio[i] = (short)(8000 * Math.Sin(i * 0.05) + rng.Next(-2000, 2000));
        int hops = audio.Length / hop;

        var rows = new List<(string Name, Measurement M)>();
        foreach (KernelVariant v in KernelDispatch.AvailableFloat32)
        {
            var fe = new LogMelFrontEnd(Default, v);
            int at = 0;
            rows.Add(($"front end per hop ({KernelDispatch.Name(v)})", h.Measure("fe", calls =>
            {
                for (int c = 0; c < calls; c++)
                {
                    ReadOnlySpan<short> s = audio.AsSpan(at * hop, hop);
                    while (!s.IsEmpty) s = s[fe.Feed(s, out _)..];
                    if (++at == hops) at = 0;
                }
            })));

            int n = Default.Fft;
            var tw = new double[RealFft.TwiddleLength(n)];
            var rev = new int[RealFft.BitReverseLength(n)];
            RealFft.BuildTables(n, tw, rev);
            var frame = new double[n];
            for (int i = 0; i < Default.Window; i++) frame[i] = audio[i] / 32768.0;
            double[] re = new double[n / 2], im = new double[n / 2];
            var power = new float[n / 2 + 1];
            rows.Add(($"  RealFft.PowerSpectrum N=512 ({KernelDispatch.Name(v)})", h.Measure("fft", calls =>
            {
                for (int c = 0; c < calls; c++) RealFft.PowerSpectrum(v, frame, tw, rev, re, im, power);
            })));
            (float[] w, int[] first, int[] off) = MelFilterbankTables.Sparse(16000, n, 40, 20, 7600);
            var e = new float[40];
            rows.Add(($"  MelFilterbank.Apply 40 bands ({KernelDispatch.Name(v)})", h.Measure("mel", calls =>
            {
                for (int c = 0; c < calls; c++) MelFilterbank.Apply(v, power, w, first, off, e);
            })));
        }

        using ModelFile file = SyntheticModel.Create(Kws(), 7);
        using var session = new AudioSession(file);
        var sink = new Discard();
        int pos = 0;
        Measurement whole = h.Measure("pipeline", calls =>
        {
            for (int c = 0; c < calls; c++)
            {
                session.Push(audio.AsSpan(pos * hop, hop), sink);
                if (++pos == hops) pos = 0;
            }
        });
        rows.Add(("front end + kws model (AudioSession) per hop", whole));

        var md = new StringBuilder();
        md.AppendLine("# Front-end benchmark (edge-attention-bench frontend)");
        md.AppendLine();
        md.AppendLine(string.Create(inv, $"{RuntimeInformation.ProcessArchitecture}, {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}, {KernelDispatch.Describe()}"));
        md.AppendLine();
        md.AppendLine("Default front end: 16 kHz, W 400, H 160 (10 ms), N 512, 40 mels. Model: 40 → d 64, 4 heads, n 64, ff 128, Nyström m 8 continual, 12 classes.");
        md.AppendLine();
        md.AppendLine("| what | median µs | p99 µs | bytes allocated per call | share of real time (÷ 10 ms) |");
        md.AppendLine("|---|---|---|---|---|");
        foreach ((string name, Measurement m) in rows)
        {
            bool perHop = name.Contains("per hop", StringComparison.Ordinal);
            md.AppendLine(string.Create(inv, $"| {name} | {m.MedianNs / 1000:F2} | {m.P99Ns / 1000:F2} | {m.AllocatedBytesPerCall:F0} | {(perHop ? (m.MedianNs / 1e7 * 100).ToString("F3", inv) + " %" : "")} |"));
        }

        Console.Write(md.ToString());
        if (outputPath is not null) File.WriteAllText(outputPath, md.ToString());
        return 0;
    }
}
