using System.Globalization;
using EdgeAttention.Format;

namespace EdgeAttention.Convert;

/// <summary>
/// The cost part of `inspect`: kept apart so that the model engineer can fill in per-layer multiply-adds
/// (EdgeAttention.Model.ModelCost.PerStep) and arena bytes (Session.EstimateArenaBytes). Until then it prints
/// the parameter totals per group (input, each layer, head).
/// </summary>
public static class InspectCosts
{
    public static void PrintCosts(ModelFile model, TextWriter o)
    {
        var groups = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (TensorInfo t in model.Tensors)
        {
            string g = t.Name.StartsWith("layers.", StringComparison.Ordinal) ? t.Name[..t.Name.IndexOf('.', 7)] : "input/head";
            groups[g] = groups.GetValueOrDefault(g) + t.ElementCount;
        }
        o.WriteLine("parameters per group:");
        foreach ((string g, long n) in groups)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {g,-12} {n,10}"));
    }
}
