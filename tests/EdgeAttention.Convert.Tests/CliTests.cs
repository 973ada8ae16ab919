using System.Diagnostics;
using EdgeAttention.Format;

namespace EdgeAttention.Convert.Tests;

/// <summary>The edge-attention-convert command line: exit codes 0/1/2, one-line errors, no output left on failure.</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void ConvertAndInspectSucceed()
    {
        ConverterTests.Case k = ConverterTests.Write();
        (int code, string output, string err) = Run("--config", k.Config, "--weights", k.Weights, "--output", k.Output, "--quantize", "int8");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("quantized 'classifier.weight' [3, 8] int8", output);
        Assert.True(File.Exists(k.Output));

        (code, output, err) = Run("inspect", k.Output);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("classifier.weight", output);
        Assert.Contains("int8", output);
        Assert.Contains("[7, 8]", output); // pos_embedding
        Assert.Contains($"{new FileInfo(k.Output).Length} bytes", output);
        Assert.Contains("parameters", output);

        // --flag=value form and float32 output.
        string out2 = Path.Combine(k.Dir, "f32.eam");
        Assert.Equal(0, Run($"--config={k.Config}", $"--weights={k.Weights}", $"--output={out2}").Code);
        using ModelFile m = ModelFile.Open(out2);
        Assert.All(m.Tensors, t => Assert.Equal(TensorDType.Float32, t.DType));
    }

    [Theory]
    [InlineData(new string[0], "no arguments")]
    [InlineData(new[] { "--config", "a.json", "--weights", "w" }, "--output is required")]
    [InlineData(new[] { "--weights", "w", "--output", "o" }, "--config is required")]
    [InlineData(new[] { "--config", "a", "--output", "o" }, "--weights is required")]
    [InlineData(new[] { "--config", "a", "--weights", "w", "--output", "o", "--quantize", "int4" }, "only 'int8'")]
    [InlineData(new[] { "--config", "a", "--config", "b" }, "given twice")]
    [InlineData(new[] { "--config" }, "needs a value")]
    [InlineData(new[] { "--config", "a", "--verbose" }, "unknown argument '--verbose'")]
    [InlineData(new[] { "convert", "a" }, "unknown argument 'convert'")]
    [InlineData(new[] { "inspect" }, "exactly one")]
    [InlineData(new[] { "inspect", "a.eam", "b.eam" }, "exactly one")]
    public void UsageErrorsExitTwo(string[] args, string expected)
    {
        (int code, string output, string err) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", err);
        Assert.Contains(expected, err.Split('\n')[0]);
        Assert.Contains("usage:", err);
    }

    [Fact]
    public void HelpExitsZero()
    {
        foreach (string[] args in new[] { new[] { "--help" }, new[] { "-h" }, new[] { "--config", "x", "--help" } })
        {
            (int code, string output, string err) = Run(args);
            Assert.Equal(0, code);
            Assert.Contains("usage: edge-attention-convert --config model.json --weights model.safetensors --output model.eam [--quantize int8]", output);
            Assert.Equal("", err);
        }
    }

    [Fact]
    public void BadInputExitsOneWithOneLineErrorAndNoOutput()
    {
        ConverterTests.Case k = ConverterTests.Write(editWeights: w => w.Remove("classifier.bias"));
        (int code, string output, string err) = Run("--config", k.Config, "--weights", k.Weights, "--output", k.Output, "--quantize", "int8");
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", err);
        Assert.Contains("'classifier.bias'", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(k.Output));
        Assert.Equal(2, Directory.GetFiles(k.Dir).Length);

        (code, _, err) = Run("--config", Path.Combine(k.Dir, "missing.json"), "--weights", k.Weights, "--output", k.Output);
        Assert.Equal(1, code);
        Assert.Contains("missing.json", err);
        Assert.False(File.Exists(k.Output));

        File.WriteAllBytes(k.Output, new byte[100]);
        (code, output, err) = Run("inspect", k.Output);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        (code, _, err) = Run("inspect", Path.Combine(k.Dir, "none.eam"));
        Assert.Equal(1, code);
        Assert.Contains("none.eam", err);
    }

    [Fact]
    public void RealProcessExitCodes()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "edge-attention-convert.dll");
        Assert.True(File.Exists(dll), dll);
        ConverterTests.Case k = ConverterTests.Write();
        (int, string) Exec(params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add(dll);
            foreach (string a in args) psi.ArgumentList.Add(a);
            using Process p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, err);
        }
        Assert.Equal(0, Exec("--config", k.Config, "--weights", k.Weights, "--output", k.Output).Item1);
        Assert.Equal(2, Exec("--bogus").Item1);
        File.WriteAllText(k.Config, "{");
        (int code, string err) = Exec("--config", k.Config, "--weights", k.Weights, "--output", Path.Combine(k.Dir, "b.eam"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", err);
        Assert.False(File.Exists(Path.Combine(k.Dir, "b.eam")));
    }
}
