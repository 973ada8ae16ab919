using System.Diagnostics;
using EdgeAttention.Format;
using EdgeAttention.Model;

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
        Assert.Contains(args.Length == 0 ? "usage:" : "see 'edge-attention-convert", err);
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
    public void VersionAndPerCommandHelp()
    {
        (int code, string output, string err) = Run("--version");
        Assert.Equal(0, code);
        // The version's major number is the .eam format version the converter writes (Directory.Build.props).
        Assert.StartsWith($"edge-attention-convert {EdgeAttention.Format.ModelFile.FormatVersion}.", output);
        Assert.Single(output.TrimEnd('\n').Split('\n'));
        Assert.Equal("", err);

        (code, output, _) = Run("compare", "--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: edge-attention-convert compare --expected golden.npy --actual logits.npy [--min-agreement SHARE] [--json]", output);
        Assert.Contains("(default: off)", output);
        (code, output, _) = Run("inspect", "--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: edge-attention-convert inspect model.eam", output);
        (code, output, _) = Run("--help");
        Assert.Contains("edge-attention-convert compare --expected", output);
        Assert.Contains("edge-attention-convert --help | --version", output);
    }

    [Fact]
    public void UnknownOptionNamesItAndPointsAtHelp()
    {
        (int code, _, string err) = Run("compare", "--expected", "a.npy", "--colour", "blue");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown argument '--colour' for 'compare'; see 'edge-attention-convert compare --help'", err.TrimEnd('\n'));
        (code, _, err) = Run("--config", "a", "--colour=blue");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown argument '--colour'; see 'edge-attention-convert --help'", err.TrimEnd('\n'));
    }

    [Fact]
    public void UnwritableOutputNamesTheUsersPathNotATempFile()
    {
        ConverterTests.Case k = ConverterTests.Write();
        string output = Path.Combine(k.Dir, "no", "such", "m.eam");
        (int code, _, string err) = Run("--config", k.Config, "--weights", k.Weights, "--output", output);
        Assert.Equal(1, code);
        Assert.Equal($"error: cannot write {output}: its folder does not exist; create it first", err.TrimEnd('\n'));
    }

    [Fact]
    public void JsonReports()
    {
        ConverterTests.Case k = ConverterTests.Write();
        (int code, string output, string err) = Run("--config", k.Config, "--weights", k.Weights, "--output", k.Output, "--quantize=int8", "--json");
        Assert.True(code == 0, err);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.True(doc.RootElement.GetProperty("int8").GetBoolean());
            Assert.Equal(new FileInfo(k.Output).Length, doc.RootElement.GetProperty("bytes").GetInt64());
            Assert.Contains(doc.RootElement.GetProperty("quantization_errors").EnumerateArray(), q => q.GetProperty("name").GetString() == "classifier.weight");
        }

        (code, output, err) = Run("inspect", k.Output, "--json");
        Assert.True(code == 0, err);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.Equal(new FileInfo(k.Output).Length, doc.RootElement.GetProperty("bytes").GetInt64());
            Assert.Contains(doc.RootElement.GetProperty("tensors").EnumerateArray(), t => t.GetProperty("name").GetString() == "classifier.weight" && t.GetProperty("dtype").GetString() == "int8");
            Assert.True(doc.RootElement.GetProperty("arena_bytes").GetProperty("continual").GetInt64() > 0);
            using ModelFile m = ModelFile.Open(k.Output);
            Assert.Equal(SessionMemory.Total(m.Config, Execution.Continual), doc.RootElement.GetProperty("session_bytes").GetProperty("continual").GetInt64());
            Assert.Equal(SessionMemory.Total(m.Config, Execution.Recompute), doc.RootElement.GetProperty("session_bytes").GetProperty("recompute").GetInt64());
        }

        string g = Path.Combine(k.Dir, "g.npy");
        Npy.Write(g, [1f, 2f, 3f, 4f], 2, 2);
        (code, output, err) = Run("compare", $"--expected={g}", $"--actual={g}", "--json");
        Assert.True(code == 0, err);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.True(doc.RootElement.GetProperty("match").GetBoolean());
            Assert.Equal(2, doc.RootElement.GetProperty("steps").GetInt32());
            Assert.Equal(1.0, doc.RootElement.GetProperty("argmax_agreement").GetDouble());
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
