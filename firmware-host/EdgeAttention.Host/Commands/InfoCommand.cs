using System.Globalization;
using System.Text;
using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Models;
using EdgeAttention.Host.Platform;
using EdgeAttention.Host.Sinks;
using EdgeAttention.Kernels;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary><c>edge-attention info [--model m.eam] [--json]</c>: version, CPU features, kernel variants, model summary.</summary>
internal static class InfoCommand
{
    public static readonly Command Definition = new(
        "info",
        "version, CPU features, kernel variants and (with --model) a model summary",
        [
            Option.Value("--model", "m.eam", "the model to describe", defaultText: "none"),
            Option.Flag("--json", "print one JSON object instead of text"),
        ],
        Execute);

    private static int Execute(CommandLine a)
    {
        string? path = a.String("--model");
        using var file = path is null ? null : ModelLoader.Open(path);
        if (a.Has("--json"))
        {
            a.Out.WriteLine(Json(path, file));
        }
        else
        {
            WriteText(a.Out, path, file);
        }

        return ExitCodes.Ok;
    }

    private static void WriteText(TextWriter stdout, string? path, ModelFile? file)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"edge-attention {Program.Version} ({CpuFeatures.Architecture}, .NET {Environment.Version})"));
        stdout.WriteLine(string.Create(inv, $"cpu: {CpuFeatures.Describe()}"));
        stdout.WriteLine(KernelDispatch.Describe());
        stdout.WriteLine(string.Create(inv, $"float32 variant: {KernelDispatch.Float32} (available: {string.Join(' ', KernelDispatch.AvailableFloat32)})"));
        stdout.WriteLine(string.Create(inv, $"int8 variant: {KernelDispatch.Int8} (available: {string.Join(' ', KernelDispatch.AvailableInt8)})"));
        if (file is null)
        {
            return;
        }

        var c = file.Config;
        stdout.WriteLine(string.Create(inv, $"model: {path} ({file.FileBytes} bytes, {file.Tensors.Count} tensors, {file.ParameterCount} parameters)"));
        stdout.WriteLine(string.Create(inv, $"  name: {c.Name ?? "(none)"}"));
        stdout.WriteLine(string.Create(inv, $"  input_features {c.InputFeatures}, d_model {c.DModel}, heads {c.Heads}, window {c.Window}, layers {c.Layers}, ff_dim {c.FfDim}"));
        stdout.WriteLine(string.Create(inv, $"  attention {c.Attention}, landmarks {c.Landmarks} ({c.LandmarkMode}), norm {c.Norm}, activation {c.Activation}, positional {c.Positional}"));
        stdout.WriteLine(string.Create(inv, $"  classes ({c.Classes.Count}): {string.Join(", ", c.Classes)}"));
        stdout.WriteLine(string.Create(inv, $"  arena: continual {Session.EstimateArenaBytes(c, Execution.Continual)} bytes, recompute {Session.EstimateArenaBytes(c, Execution.Recompute)} bytes"));
        foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
        {
            stdout.WriteLine(string.Create(inv,
                $"  session memory ({e.ToString().ToLowerInvariant()}): {SessionMemory.Total(c, e)} bytes ({MemoryBudget.Format(SessionMemory.Total(c, e))}) = arena {SessionMemory.ArenaBytes(c, e)} + attention state {SessionMemory.AttentionBytes(c, e)} + front end {SessionMemory.FrontEndBytes(c)}"));
        }

        stdout.WriteLine(string.Create(inv, $"  memory limit: {MemoryBudget.DefaultLimit()} bytes by default ({MemoryBudget.OptionName} changes it)"));
        var costs = ModelCost.PerStep(c);
        for (int i = 0; i < costs.Length; i++)
        {
            var layer = costs[i];
            stdout.WriteLine(string.Create(inv, $"  layer {i + 1}: {layer.Continual} multiply-adds per step continual, {layer.Recompute} recompute ({layer.Speedup:F1}x)"));
        }
    }

    private static string Json(string? path, ModelFile? file)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Q(string s) => JsonLinesSink.JsonString(s);
        static string List(IEnumerable<string> items) => "[" + string.Join(',', items.Select(Q)) + "]";
        var b = new StringBuilder();
        b.Append(inv, $"{{\"version\":{Q(Program.Version)},\"arch\":{Q(CpuFeatures.Architecture)},\"dotnet\":{Q(Environment.Version.ToString())}");
        b.Append(inv, $",\"cpu\":{List(KernelDispatch.CpuFeatures())},\"kernels\":{Q(KernelDispatch.Describe())}");
        b.Append(inv, $",\"float32_variant\":{Q(KernelDispatch.Float32.ToString())},\"float32_available\":{List(KernelDispatch.AvailableFloat32.Select(v => v.ToString()))}");
        b.Append(inv, $",\"int8_variant\":{Q(KernelDispatch.Int8.ToString())},\"int8_available\":{List(KernelDispatch.AvailableInt8.Select(v => v.ToString()))}");
        if (file is not null)
        {
            var c = file.Config;
            b.Append(inv, $",\"model\":{{\"path\":{Q(path!)},\"bytes\":{file.FileBytes},\"tensors\":{file.Tensors.Count},\"parameters\":{file.ParameterCount},\"name\":{(c.Name is null ? "null" : Q(c.Name))}");
            b.Append(inv, $",\"input_features\":{c.InputFeatures},\"d_model\":{c.DModel},\"heads\":{c.Heads},\"window\":{c.Window},\"layers\":{c.Layers},\"ff_dim\":{c.FfDim}");
            b.Append(inv, $",\"attention\":{Q(c.Attention.ToString())},\"landmarks\":{c.Landmarks},\"landmark_mode\":{Q(c.LandmarkMode.ToString())},\"norm\":{Q(c.Norm.ToString())},\"activation\":{Q(c.Activation.ToString())},\"positional\":{Q(c.Positional.ToString())}");
            b.Append(inv, $",\"classes\":{List(c.Classes)},\"arena_bytes\":{{\"continual\":{Session.EstimateArenaBytes(c, Execution.Continual)},\"recompute\":{Session.EstimateArenaBytes(c, Execution.Recompute)}}}");
            b.Append(inv, $",\"session_bytes\":{{\"continual\":{SessionMemory.Total(c, Execution.Continual)},\"recompute\":{SessionMemory.Total(c, Execution.Recompute)}}},\"front_end_bytes\":{SessionMemory.FrontEndBytes(c)},\"default_memory_limit_bytes\":{MemoryBudget.DefaultLimit()}");
            b.Append(",\"layers_cost\":[");
            var costs = ModelCost.PerStep(c);
            for (int i = 0; i < costs.Length; i++)
            {
                b.Append(inv, $"{(i == 0 ? string.Empty : ",")}{{\"continual\":{costs[i].Continual},\"recompute\":{costs[i].Recompute}}}");
            }

            b.Append("]}");
        }

        b.Append('}');
        return b.ToString();
    }
}
