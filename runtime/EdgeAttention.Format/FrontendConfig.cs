using System.Globalization;
using System.Text.Json;

namespace EdgeAttention.Format;

/// <summary>
/// The audio front end of a model (the optional <c>frontend</c> object of model.json, models/README.md §6):
/// int16 PCM at <see cref="SampleRate"/> → one log-mel frame of <see cref="Mels"/> floats every <see cref="Hop"/>
/// samples. Frame k covers samples kH … kH + W − 1 (no centering, no padding); periodic Hann window of W, zero-pad
/// to N = <see cref="Fft"/>, power spectrum, HTK-mel triangular filters from <see cref="FMin"/> to <see cref="FMax"/>
/// (no area normalisation), feature = ln(E + <see cref="LogFloor"/>).
/// </summary>
public sealed class FrontendConfig
{
    /// <summary>The only kind of front end.</summary>
    public const string LogMelKind = "log-mel";
    /// <summary>Smallest accepted sample rate (Hz).</summary>
    public const int MinSampleRate = 1000;
    /// <summary>Largest accepted sample rate (Hz).</summary>
    public const int MaxSampleRate = 1_000_000;
    /// <summary>Largest accepted FFT length (also bounds window and hop).</summary>
    public const int MaxFft = 1 << 16;
    /// <summary>Largest accepted number of mel bands.</summary>
    public const int MaxMels = 4096;

    internal static readonly string[] Fields = ["kind", "sample_rate", "window", "hop", "fft", "mels", "fmin", "fmax", "log_floor"];

    public string Kind { get; init; } = LogMelKind;
    /// <summary>sr: Hz of the PCM input.</summary>
    public int SampleRate { get; init; }
    /// <summary>W: samples per analysis frame.</summary>
    public int Window { get; init; }
    /// <summary>H: samples between frames.</summary>
    public int Hop { get; init; }
    /// <summary>N: FFT length, a power of two ≥ W.</summary>
    public int Fft { get; init; }
    /// <summary>M: mel bands (= the model's input_features).</summary>
    public int Mels { get; init; }
    /// <summary>Lower band edge in Hz.</summary>
    public double FMin { get; init; }
    /// <summary>Upper band edge in Hz (≤ sr/2).</summary>
    public double FMax { get; init; }
    /// <summary>Added to each mel energy before the natural log (default 1e-6).</summary>
    public double LogFloor { get; init; } = 1e-6;

    /// <summary>Frames produced by S samples: ⌊(S − W)/H⌋ + 1, or 0 when S &lt; W.</summary>
    public long FrameCount(long samples) => samples < Window ? 0 : (samples - Window) / Hop + 1;

    /// <summary>
    /// Checks every rule of models/README.md §6 (and input_features = mels when <paramref name="inputFeatures"/> is
    /// given); throws <see cref="ModelFormatException"/> naming the field, e.g. <c>frontend.fft</c>.
    /// </summary>
    public void Validate(int? inputFeatures = null)
    {
        if (Kind != LogMelKind)
            throw ModelConfig.Field("frontend.kind", $"is \"{Kind}\" but must be \"{LogMelKind}\"");
        ModelConfig.Range("frontend.sample_rate", SampleRate, MinSampleRate, MaxSampleRate);
        ModelConfig.Range("frontend.fft", Fft, 1, MaxFft);
        if ((Fft & (Fft - 1)) != 0)
            throw ModelConfig.Field("frontend.fft", $"must be a power of two (got {Fft}; e.g. {NextPowerOfTwo(Fft)})");
        ModelConfig.Range("frontend.window", Window, 1, MaxFft);
        if (Window > Fft)
            throw ModelConfig.Field("frontend.fft", $"must be at least frontend.window ({Window}) (got {Fft}; e.g. {NextPowerOfTwo(Window)})");
        ModelConfig.Range("frontend.hop", Hop, 1, MaxFft);
        if (Hop > Window)
            throw ModelConfig.Field("frontend.hop", $"must be at most frontend.window ({Window}) (got {Hop})");
        ModelConfig.Range("frontend.mels", Mels, 1, MaxMels);
        if (inputFeatures is int f && f != Mels)
            throw ModelConfig.Field("input_features", $"must equal frontend.mels ({Mels}) when a frontend is given (got {f})");
        if (!double.IsFinite(FMin) || FMin < 0)
            throw ModelConfig.Field("frontend.fmin", $"must be a number ≥ 0 (got {Num(FMin)})");
        if (!double.IsFinite(FMax) || FMax > SampleRate / 2.0)
            throw ModelConfig.Field("frontend.fmax", $"must be at most sample_rate/2 = {Num(SampleRate / 2.0)} Hz (got {Num(FMax)})");
        if (!(FMin < FMax))
            throw ModelConfig.Field("frontend.fmin", $"must be below frontend.fmax ({Num(FMax)}) (got {Num(FMin)})");
        if (!double.IsFinite(LogFloor) || !(LogFloor > 0))
            throw ModelConfig.Field("frontend.log_floor", $"must be a finite number > 0 (got {Num(LogFloor)})");
    }

    /// <summary>True when every field is equal.</summary>
    public bool SameAs(FrontendConfig other) =>
        Kind == other.Kind && SampleRate == other.SampleRate && Window == other.Window && Hop == other.Hop && Fft == other.Fft &&
        Mels == other.Mels && FMin.Equals(other.FMin) && FMax.Equals(other.FMax) && LogFloor.Equals(other.LogFloor);

    /// <summary>Writes the canonical <c>"frontend": {…}</c> member (every field, fixed order).</summary>
    internal void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject("frontend");
        w.WriteString("kind", Kind);
        w.WriteNumber("sample_rate", SampleRate);
        w.WriteNumber("window", Window);
        w.WriteNumber("hop", Hop);
        w.WriteNumber("fft", Fft);
        w.WriteNumber("mels", Mels);
        w.WriteNumber("fmin", FMin);
        w.WriteNumber("fmax", FMax);
        w.WriteNumber("log_floor", LogFloor);
        w.WriteEndObject();
    }

    public override string ToString() =>
        $"{Kind} sr={SampleRate} W={Window} H={Hop} N={Fft} mels={Mels} f=[{Num(FMin)}, {Num(FMax)}] floor={Num(LogFloor)}";

    private static int NextPowerOfTwo(int v)
    {
        int p = 1;
        while (p < v && p < MaxFft) p *= 2;
        return p;
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
