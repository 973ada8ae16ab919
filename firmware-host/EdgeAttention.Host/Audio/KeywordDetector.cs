namespace EdgeAttention.Host.Audio;

/// <summary>
/// Keyword decisions from a stream of logits (one per model step, every hop H samples):
/// p_t = softmax(logits_t); s_t = mean of p over the last K steps (K = max(1, round(smooth_ms / hop_ms)), fewer at the
/// start); keyword c fires at step t when s_t[c] ≥ threshold, c is armed (s[c] was below the threshold since its last
/// detection) and not muted; a detection mutes c for refractory_ms. Keywords are every class except
/// "silence" and "unknown" (also "_silence_", "_unknown_", any case). At most one detection per step: the keyword with
/// the highest smoothed score among those that fire. No allocation per step.
/// </summary>
internal sealed class KeywordDetector
{
    private readonly int _classes;
    private readonly int _window;
    private readonly float _threshold;
    private readonly long _refractorySteps;
    private readonly bool[] _isKeyword;
    private readonly float[] _history;   // [K, C] posteriors, ring
    private readonly float[] _smoothed;  // [C]
    private readonly bool[] _armed;      // [C]
    private readonly long[] _mutedUntil; // [C] first step at which c may fire again
    private long _steps;

    public KeywordDetector(IReadOnlyList<string> classes, double hopMs, double smoothMs, double refractoryMs, double threshold)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (!(hopMs > 0)) throw new ArgumentOutOfRangeException(nameof(hopMs));
        _classes = classes.Count;
        _window = Math.Max(1, (int)Math.Round(smoothMs / hopMs));
        _refractorySteps = (long)Math.Ceiling(refractoryMs / hopMs);
        _threshold = (float)threshold;
        _isKeyword = new bool[_classes];
        for (int c = 0; c < _classes; c++) _isKeyword[c] = IsKeyword(classes[c]);
        _history = new float[_window * _classes];
        _smoothed = new float[_classes];
        _armed = new bool[_classes];
        _mutedUntil = new long[_classes];
        Reset();
    }

    /// <summary>Steps averaged (K).</summary>
    public int WindowSteps => _window;

    /// <summary>The smoothed posteriors after the last <see cref="Update"/>.</summary>
    public ReadOnlySpan<float> Smoothed => _smoothed;

    /// <summary>Keywords: every class but silence/unknown.</summary>
    public static bool IsKeyword(string name)
    {
        string n = name.Trim('_').ToLowerInvariant();
        return n is not ("silence" or "unknown" or "background" or "noise" or "");
    }

    public void Reset()
    {
        Array.Clear(_history);
        Array.Clear(_smoothed);
        Array.Fill(_armed, true);
        Array.Clear(_mutedUntil);
        _steps = 0;
    }

    /// <summary>Feeds one step's logits; true when a keyword fires (its class index and smoothed score).</summary>
    public bool Update(ReadOnlySpan<float> logits, out int keyword, out float score)
    {
        if (logits.Length != _classes) throw new ArgumentException($"expected {_classes} logits, got {logits.Length}", nameof(logits));
        // p = softmax(logits), max-shifted.
        Span<float> p = _history.AsSpan((int)(_steps % _window) * _classes, _classes);
        float max = float.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        float sum = 0;
        for (int c = 0; c < _classes; c++) { p[c] = MathF.Exp(logits[c] - max); sum += p[c]; }
        for (int c = 0; c < _classes; c++) p[c] /= sum;
        long step = _steps++;
        int filled = (int)Math.Min(_steps, _window);
        // s = mean over the filled rows of the ring (recomputed: K·C adds, no drift).
        for (int c = 0; c < _classes; c++)
        {
            float s = 0;
            for (int k = 0; k < filled; k++) s += _history[k * _classes + c];
            _smoothed[c] = s / filled;
        }

        keyword = -1;
        score = 0;
        for (int c = 0; c < _classes; c++)
        {
            if (!_isKeyword[c]) continue;
            float s = _smoothed[c];
            if (s < _threshold) { _armed[c] = true; continue; }
            if (!_armed[c] || step < _mutedUntil[c]) continue;
            if (keyword < 0 || s > score) { keyword = c; score = s; }
        }

        if (keyword < 0) return false;
        _armed[keyword] = false;
        _mutedUntil[keyword] = step + _refractorySteps;
        return true;
    }
}
