using System.Globalization;
using EdgeAttention.Cli;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;
using EdgeAttention.Host.Platform;
using EdgeAttention.Kernels;
using EdgeAttention.Model;

namespace EdgeAttention.Host.Commands;

/// <summary><c>edge-attention info [--model m.eam]</c>: version, CPU features, kernel variants, model summary.</summary>
internal static class InfoCommand
{
    public static readonly Command Definition = new(
        "info",
        "version, CPU features, kernel variants and (with --model) a model summary",
        [
            Option.Value("--model", "m.eam", "the model to describe", defaultText: "none"),
        ],
        Execute);

    private static int Execute(CommandLine a)
    {
        TextWriter stdout = a.Out;
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"edge-attention {Program.Version} ({CpuFeatures.Architecture}, .NET {Environment.Version})"));
        stdout.WriteLine(string.Create(inv, $"cpu: {CpuFeatures.Describe()}"));
        stdout.WriteLine(KernelDispatch.Describe());
        stdout.WriteLine(string.Create(inv, $"float32 variant: {KernelDispatch.Float32} (available: {string.Join(' ', KernelDispatch.AvailableFloat32)})"));
        stdout.WriteLine(string.Create(inv, $"int8 variant: {KernelDispatch.Int8} (available: {string.Join(' ', KernelDispatch.AvailableInt8)})"));

        string? path = a.String("--model");
        if (path is null)
        {
            return 0;
        }

        using var file = ModelLoader.Open(path);
        var c = file.Config;
        stdout.WriteLine(string.Create(inv, $"model: {path} ({file.FileBytes} bytes, {file.Tensors.Count} tensors, {file.ParameterCount} parameters)"));
        stdout.WriteLine(string.Create(inv, $"  name: {c.Name ?? "(none)"}"));
        stdout.WriteLine(string.Create(inv, $"  input_features {c.InputFeatures}, d_model {c.DModel}, heads {c.Heads}, window {c.Window}, layers {c.Layers}, ff_dim {c.FfDim}"));
        stdout.WriteLine(string.Create(inv, $"  attention {c.Attention}, landmarks {c.Landmarks} ({c.LandmarkMode}), norm {c.Norm}, activation {c.Activation}, positional {c.Positional}"));
        stdout.WriteLine(string.Create(inv, $"  classes ({c.Classes.Count}): {string.Join(", ", c.Classes)}"));
        stdout.WriteLine(string.Create(inv, $"  arena: continual {Session.EstimateArenaBytes(c, Execution.Continual)} bytes, recompute {Session.EstimateArenaBytes(c, Execution.Recompute)} bytes"));
        var costs = ModelCost.PerStep(c);
        for (int i = 0; i < costs.Length; i++)
        {
            var layer = costs[i];
            stdout.WriteLine(string.Create(inv, $"  layer {i + 1}: {layer.Continual} multiply-adds per step continual, {layer.Recompute} recompute ({layer.Speedup:F1}x)"));
        }

        return 0;
    }
}
