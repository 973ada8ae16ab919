using System.Text.Json;

namespace EdgeAttention.Format;

// Parsing of the optional `frontend` object of model.json (models/README.md §6) with the same field-named
// errors as the rest of the config; the rules themselves are in FrontendConfig.Validate.
public sealed partial class ModelConfig
{
    private static FrontendConfig? ParseFrontend(JsonElement root)
    {
        if (!root.TryGetProperty("frontend", out JsonElement fe) || fe.ValueKind == JsonValueKind.Null) return null;
        if (fe.ValueKind != JsonValueKind.Object)
            throw Field("frontend", "must be an object like {\"kind\": \"log-mel\", \"sample_rate\": 16000, ...}");
        CheckFields(fe, "frontend.", FrontendConfig.Fields);
        double floor = 1e-6;
        if (fe.TryGetProperty("log_floor", out JsonElement lf)) floor = Double(lf, "frontend.log_floor");
        return new FrontendConfig
        {
            Kind = Str(Required(fe, "kind", "frontend."), "frontend.kind"),
            SampleRate = Int(Required(fe, "sample_rate", "frontend."), "frontend.sample_rate"),
            Window = Int(Required(fe, "window", "frontend."), "frontend.window"),
            Hop = Int(Required(fe, "hop", "frontend."), "frontend.hop"),
            Fft = Int(Required(fe, "fft", "frontend."), "frontend.fft"),
            Mels = Int(Required(fe, "mels", "frontend."), "frontend.mels"),
            FMin = Double(Required(fe, "fmin", "frontend."), "frontend.fmin"),
            FMax = Double(Required(fe, "fmax", "frontend."), "frontend.fmax"),
            LogFloor = floor,
        };
    }

    private static double Double(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d))
            throw Field(field, $"must be a number (got {Kind(e)})");
        return d;
    }
}
