using System.Globalization;
using EdgeAttention.Format;

namespace EdgeAttention.Convert;

/// <summary>
/// `edge-attention-convert compare --expected golden.npy --actual logits.npy [--min-agreement 0.95]`: checks logits
/// written by `edge-attention run` against reference logits (e.g. the PyTorch twin's golden.py), both [steps, C].
/// Prints the largest absolute difference, the models/README.md §4.3 tolerance 2e-4 × max(1, max|expected|) and the share of
/// steps whose argmax agrees. Exit 0 when within tolerance (or, with --min-agreement, when the argmax agreement is at
/// least that share: the int8 criterion), 1 otherwise or on bad input.
/// </summary>
public static class Compare
{
    public sealed record Result(int Steps, int Classes, double MaxAbsError, double Tolerance, double ArgmaxAgreement);

    public static Result Run(string expectedPath, string actualPath)
    {
        float[] e = Npy.Read(expectedPath, out int er, out int ec);
        float[] a = Npy.Read(actualPath, out int ar, out int ac);
        if (er != ar || ec != ac)
            throw new ModelFormatException($"shape mismatch: expected [{er}, {ec}] ({expectedPath}) but actual is [{ar}, {ac}] ({actualPath}); compare logits of the same stream and model");
        double maxAbsExpected = 0, maxErr = 0;
        int agree = 0;
        for (int r = 0; r < er; r++)
        {
            int be = 0, ba = 0;
            for (int c = 0; c < ec; c++)
            {
                int i = r * ec + c;
                maxAbsExpected = Math.Max(maxAbsExpected, Math.Abs(e[i]));
                double d = Math.Abs((double)e[i] - a[i]);
                // NaN in either side counts as an infinite error.
                maxErr = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(maxErr, d);
                if (e[i] > e[r * ec + be]) be = c;
                if (a[i] > a[r * ec + ba]) ba = c;
            }
            if (be == ba) agree++;
        }
        return new Result(er, ec, maxErr, 2e-4 * Math.Max(1, maxAbsExpected), er == 0 ? 1 : (double)agree / er);
    }

    internal static int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? expected = null, actual = null;
        double? minAgreement = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (i + 1 >= args.Length) return Usage(stderr, $"{a} needs a value");
            string v = args[++i];
            switch (a)
            {
                case "--expected": expected = v; break;
                case "--actual": actual = v; break;
                case "--min-agreement":
                    if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) || !(m >= 0 && m <= 1))
                        return Usage(stderr, $"--min-agreement takes a share between 0 and 1 (got '{v}')");
                    minAgreement = m;
                    break;
                default: return Usage(stderr, $"unknown argument '{a}'");
            }
        }
        if (expected is null || actual is null) return Usage(stderr, "--expected and --actual are required");
        Result r = Run(expected, actual);
        bool ok = minAgreement is double min ? r.ArgmaxAgreement >= min : r.MaxAbsError <= r.Tolerance;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(ok ? "match" : "MISMATCH")}: {r.Steps} steps x {r.Classes} classes, max |diff| {r.MaxAbsError:0.###e+0} (tolerance {r.Tolerance:0.###e+0}), argmax agreement {100 * r.ArgmaxAgreement:0.0}%"));
        return ok ? Program.ExitOk : Program.ExitError;
    }

    private static int Usage(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"error: {problem}");
        stderr.WriteLine("usage: edge-attention-convert compare --expected golden.npy --actual logits.npy [--min-agreement 0.95]");
        return Program.ExitUsage;
    }
}
