using System.Globalization;
using System.Text;

namespace EdgeAttention.Bench;

/// <summary>Writes the attention benchmark as a Markdown table and a dependency-free, hand-written SVG plot.</summary>
internal static class AttentionReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] Colors =
        ["#d62728", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#1f77b4", "#17becf", "#2ca02c", "#9467bd"];

    public static void WriteMarkdown(string path, List<AttentionBench.Result> results, List<AttentionBench.Setting> settings,
        double gtzanVsRecompute, double gtzanVsSingle, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Attention benchmark (`edge-attention-bench attention`)");
        sb.AppendLine();
        sb.AppendLine(Inv, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, " +
            $".NET {Environment.Version}, kernels: {KernelInfo()}. Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC in {elapsed.TotalSeconds:F0} s.");
        sb.AppendLine("Median time per step (per call for recompute) over samples of many steps, so periodic work (continual");
        sb.AppendLine("landmark updates, drift refreshes, cancellation rebuilds) is amortised. `mult-adds` is each variant's own count from");
        sb.AppendLine("its loop structure (`MultiplyAddsPerStep` / `WindowAttention.MultiplyAdds`, exp calls not counted); `paper` is the");
        sb.AppendLine("formula quoted in the issue (softmax recompute 2n²d + 2nd, retroactive 7nd + 2n − 3d, single-output 2nd + 2d,");
        sb.AppendLine("continual Nyström single-output fixed h·(7m·d_h + m²)). Ratios are against `softmax recompute (all rows)` of the same setting.");
        sb.AppendLine("Timings on shared 2-core machines are noisy; compare ratios within one run.");
        sb.AppendLine();
        sb.AppendLine(Inv, $"**GTZAN setting** (n = 120, d_model = 192, 16 heads, m = 8): continual Nyström single-output with fixed landmarks is " +
            $"**{gtzanVsRecompute:F0}×** faster per step than softmax recompute (goal ≥ 100×) and **{gtzanVsSingle:F1}×** faster than continual " +
            $"single-output softmax (goal ≥ 5×).");
        sb.AppendLine();
        foreach (AttentionBench.Setting s in settings)
        {
            sb.AppendLine(Inv, $"## {s.Name}: n = {s.N}, d_model = {s.D}, heads = {s.Heads} (d_h = {s.HeadDim}), m = {s.M}");
            sb.AppendLine();
            sb.AppendLine("| variant | median / step | × faster | mult-adds / step | paper formula | × fewer mult-adds |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|");
            AttentionBench.Result baseline = results.First(r => r.Setting == s);
            foreach (AttentionBench.Result r in results.Where(r => r.Setting == s))
            {
                string paper = r.PaperMultiplyAdds is double p ? p.ToString("N0", Inv) : "—";
                sb.AppendLine(Inv, $"| {r.Variant.Name} | {AttentionBench.FormatTime(r.MedianNs)} | {baseline.MedianNs / r.MedianNs:F1} | {r.MultiplyAdds:N0} | {paper} | {(double)baseline.MultiplyAdds / r.MultiplyAdds:F1} |");
            }
            sb.AppendLine();
        }
        sb.AppendLine("Plot: [attention.svg](attention.svg) (time and multiply-adds per step vs n, d_model = 200, one head, log–log).");
        WriteAtomic(path, sb.ToString());
    }

    private static string KernelInfo() => EdgeAttention.Kernels.KernelDispatch.Float32.ToString();

    /// <summary>Two log–log panels (time per step, multiply-adds per step) vs n; one polyline per variant.</summary>
    public static void WriteSvg(string path, List<AttentionBench.Result> results, List<AttentionBench.Setting> sweep)
    {
        const int panelW = 520, panelH = 380, left = 70, top = 40, plotW = 420, plotH = 280, legendH = 190;
        int width = 2 * panelW, height = panelH + legendH;
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine(Inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        double nMin = sweep.Min(s => s.N), nMax = sweep.Max(s => s.N);
        for (int panel = 0; panel < 2; panel++)
        {
            bool time = panel == 0;
            double Value(AttentionBench.Result r) => time ? r.MedianNs / 1000.0 : r.MultiplyAdds;
            var rows = results.Where(r => sweep.Contains(r.Setting)).ToList();
            double yMin = Math.Pow(10, Math.Floor(Math.Log10(rows.Min(Value))));
            double yMax = Math.Pow(10, Math.Ceiling(Math.Log10(rows.Max(Value))));
            int ox = panel * panelW + left;
            double X(double n) => ox + plotW * (Math.Log(n / nMin) / Math.Log(nMax / nMin));
            double Y(double y) => top + plotH * (1 - Math.Log(y / yMin) / Math.Log(yMax / yMin));
            sb.AppendLine(Inv, $"<text x=\"{ox + plotW / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{(time ? "time per step (µs, median)" : "multiply-adds per step")} vs window n (d_model = 200, 1 head, m = 8)</text>");
            sb.AppendLine(Inv, $"<rect x=\"{ox}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"black\"/>");
            for (double y = yMin; y <= yMax * 1.0001; y *= 10)
            {
                sb.AppendLine(Inv, $"<line x1=\"{ox}\" x2=\"{ox + plotW}\" y1=\"{Y(y):F1}\" y2=\"{Y(y):F1}\" stroke=\"#ddd\"/>");
                sb.AppendLine(Inv, $"<text x=\"{ox - 6}\" y=\"{Y(y) + 4:F1}\" text-anchor=\"end\">{FormatPow(y)}</text>");
            }
            foreach (AttentionBench.Setting s in sweep)
            {
                sb.AppendLine(Inv, $"<line x1=\"{X(s.N):F1}\" x2=\"{X(s.N):F1}\" y1=\"{top}\" y2=\"{top + plotH}\" stroke=\"#eee\"/>");
                sb.AppendLine(Inv, $"<text x=\"{X(s.N):F1}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{s.N}</text>");
            }
            sb.AppendLine(Inv, $"<text x=\"{ox + plotW / 2}\" y=\"{top + plotH + 34}\" text-anchor=\"middle\">n</text>");
            for (int v = 0; v < AttentionBench.Variants.Length; v++)
            {
                var points = sweep.Select(s => rows.First(r => r.Setting == s && r.Variant == AttentionBench.Variants[v]))
                    .Select(r => $"{X(r.Setting.N):F1},{Y(Value(r)):F1}");
                string dash = AttentionBench.Variants[v].Exec == AttentionBench.Exec.Recompute ? " stroke-dasharray=\"6,3\"" : "";
                sb.AppendLine(Inv, $"<polyline fill=\"none\" stroke=\"{Colors[v]}\" stroke-width=\"2\"{dash} points=\"{string.Join(' ', points)}\"/>");
            }
        }
        for (int v = 0; v < AttentionBench.Variants.Length; v++)
        {
            int col = v % 2, row = v / 2;
            double x = left + col * panelW, y = panelH + 20 + row * 30;
            string dash = AttentionBench.Variants[v].Exec == AttentionBench.Exec.Recompute ? " stroke-dasharray=\"6,3\"" : "";
            sb.AppendLine(Inv, $"<line x1=\"{x}\" x2=\"{x + 30}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{Colors[v]}\" stroke-width=\"2\"{dash}/>");
            sb.AppendLine(Inv, $"<text x=\"{x + 38}\" y=\"{y + 4}\">{Escape(AttentionBench.Variants[v].Name)}</text>");
        }
        sb.AppendLine("</svg>");
        WriteAtomic(path, sb.ToString());
    }

    private static string FormatPow(double y)
    {
        int e = (int)Math.Round(Math.Log10(y));
        return e switch { 0 => "1", 1 => "10", 2 => "100", 3 => "1k", 6 => "1M", 9 => "1G", _ => $"1e{e}" };
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);

    internal static void WriteAtomic(string path, string text)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
