using System.Globalization;
using EdgeAttention.Format;
using EdgeAttention.Model;

namespace EdgeAttention.Convert;

/// <summary>
/// The cost part of `inspect`: parameters per group, multiply-adds per step for each encoder layer in both
/// executions (<see cref="ModelCost.PerStep"/>: continual = layer 1 continual, layers &gt; 1 over the window;
/// recompute = every layer over the window), and the session arena bytes (<see cref="Session.EstimateArenaBytes"/>).
/// </summary>
public static class InspectCosts
{
    public static void PrintCosts(ModelFile model, TextWriter o)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(o);
        var groups = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (TensorInfo t in model.Tensors)
        {
            string g = t.Name.StartsWith("layers.", StringComparison.Ordinal) ? t.Name[..t.Name.IndexOf('.', 7)] : "input/head";
            groups[g] = groups.GetValueOrDefault(g) + t.ElementCount;
        }
        o.WriteLine("parameters per group:");
        foreach ((string g, long n) in groups)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {g,-12} {n,10}"));

        ModelConfig c = model.Config;
        LayerCost[] layers = ModelCost.PerStep(c);
        o.WriteLine("multiply-adds per step (attention + linear):");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"layer",-12} {"continual",14} {"recompute",14} {"ratio",8}"));
        foreach (LayerCost l in layers)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"layers." + l.Layer,-12} {l.Continual,14:N0} {l.Recompute,14:N0} {l.Speedup,7:F1}x"));
        }

        long io = ModelCost.InputAndHead(c);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"input/head",-12} {io,14:N0} {io,14:N0}"));
        long tc = ModelCost.Total(c, Execution.Continual), tr = ModelCost.Total(c, Execution.Recompute);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"total",-12} {tc,14:N0} {tr,14:N0} {(double)tr / Math.Max(1, tc),7:F1}x"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"session arena bytes: continual {Session.EstimateArenaBytes(c, Execution.Continual):N0}, recompute {Session.EstimateArenaBytes(c, Execution.Recompute):N0} (plus attention state)"));
        foreach (Execution e in new[] { Execution.Continual, Execution.Recompute })
        {
            // The figure the device program checks against its memory limit at load (edge-attention info shows the same).
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"session memory ({e.ToString().ToLowerInvariant()}): {SessionMemory.Total(c, e)} bytes = arena {SessionMemory.ArenaBytes(c, e)} + attention state {SessionMemory.AttentionBytes(c, e)} + front end {SessionMemory.FrontEndBytes(c)}"));
        }
    }
}
