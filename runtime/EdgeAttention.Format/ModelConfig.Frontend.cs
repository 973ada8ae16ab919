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
            Kind = Required(Str, fe, "kind", "frontend."),
            SampleRate = Required(Int, fe, "sample_rate", "frontend."),
            Window = Required(Int, fe, "window", "frontend."),
            Hop = Required(Int, fe, "hop", "frontend."),
            Fft = Required(Int, fe, "fft", "frontend."),
            Mels = Required(Int, fe, "mels", "frontend."),
            FMin = Required(Double, fe, "fmin", "frontend."),
            FMax = Required(Double, fe, "fmax", "frontend."),
            LogFloor = floor,
        };
    }
}
