using EdgeAttention.Format;

namespace EdgeAttention.Convert.Tests;

/// <summary>`edge-attention-convert compare`: models/README.md §4.3 tolerance, argmax agreement, shape and usage errors.</summary>
public class CompareTests
{
    private static string Write(string dir, string name, float[] data, int rows, int cols)
    {
        string p = Path.Combine(dir, name);
        Npy.Write(p, data, rows, cols);
        return p;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void WithinAndBeyondTolerance()
    {
        string dir = Directory.CreateTempSubdirectory("ea-compare").FullName;
        try
        {
            float[] golden = [1f, 5f, -2f, 0.5f, 0.25f, 0f];           // max |golden| = 5 → tolerance 1e-3
            string g = Write(dir, "g.npy", golden, 2, 3);
            float[] close = (float[])golden.Clone();
            close[1] += 9e-4f;
            string c = Write(dir, "c.npy", close, 2, 3);
            (int code, string output, _) = Run("compare", "--expected", g, "--actual", c);
            Assert.Equal(0, code);
            Assert.StartsWith("match: 2 steps x 3 classes", output, StringComparison.Ordinal);
            Assert.Contains("argmax agreement 100.0%", output, StringComparison.Ordinal);

            float[] far = (float[])golden.Clone();
            far[3] = 0f; far[5] = 2f;                                 // 2nd row: argmax moves, error 2 > 1e-3
            string f = Write(dir, "f.npy", far, 2, 3);
            (code, output, _) = Run("compare", "--expected", g, "--actual", f);
            Assert.Equal(1, code);
            Assert.StartsWith("MISMATCH", output, StringComparison.Ordinal);
            Assert.Contains("argmax agreement 50.0%", output, StringComparison.Ordinal);
            // The int8 criterion: only argmax agreement counts.
            Assert.Equal(0, Run("compare", "--expected", g, "--actual", f, "--min-agreement", "0.5").Code);
            Assert.Equal(1, Run("compare", "--expected", g, "--actual", f, "--min-agreement", "0.95").Code);

            float[] nan = (float[])golden.Clone();
            nan[0] = float.NaN;
            Assert.Equal(1, Run("compare", "--expected", g, "--actual", Write(dir, "n.npy", nan, 2, 3)).Code);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ShapeAndUsageErrorsAreOneLine()
    {
        string dir = Directory.CreateTempSubdirectory("ea-compare").FullName;
        try
        {
            string g = Write(dir, "g.npy", new float[6], 2, 3);
            string h = Write(dir, "h.npy", new float[6], 3, 2);
            (int code, string output, string err) = Run("compare", "--expected", g, "--actual", h);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.StartsWith("error: shape mismatch: expected [2, 3]", err, StringComparison.Ordinal);
            Assert.Single(err.TrimEnd().Split('\n'));

            Assert.Equal(2, Run("compare", "--expected", g).Code);
            Assert.Equal(2, Run("compare", "--expected", g, "--actual", g, "--min-agreement", "2").Code);
            Assert.Equal(1, Run("compare", "--expected", g, "--actual", Path.Combine(dir, "missing.npy")).Code);
        }
        finally { Directory.Delete(dir, true); }
    }
}
