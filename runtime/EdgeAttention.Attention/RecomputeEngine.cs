namespace EdgeAttention.Attention;

/// <summary>
/// Continual interface over a recompute: keeps the window's q, k, v rows in ring buffers [n × d] and, once the
/// window is full, copies them oldest → newest into scratch and runs <see cref="WindowAttention"/> every step.
/// Used for Nyström with window landmarks (the landmarks move with the window, so nothing can be cached).
/// Multiply-adds per step = <see cref="WindowAttention.MultiplyAdds"/> (plus 3n·d copied floats).
/// </summary>
internal sealed class RecomputeEngine : ContinualEngine
{
    private readonly int _n, _d;
    private readonly bool _retro;
    private readonly float[] _qr, _kr, _vr, _qw, _kw, _vw;
    private readonly WindowAttention _window;
    private long _t;

    public RecomputeEngine(AttentionOptions o, bool retroactive)
    {
        _n = o.Window; _d = o.ModelDim; _retro = retroactive;
        int size = _n * _d;
        _qr = new float[size]; _kr = new float[size]; _vr = new float[size];
        _qw = new float[size]; _kw = new float[size]; _vw = new float[size];
        _window = new WindowAttention(o);
    }

    public override long TokensSeen => _t;

    public override long MultiplyAddsPerStep => _window.MultiplyAdds(!_retro);

    public override void Reset()
    {
        _t = 0;
        Array.Clear(_qr); Array.Clear(_kr); Array.Clear(_vr);
    }

    public override bool Step(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output)
    {
        long t = _t;
        int n = _n, d = _d, slot = (int)(t % n);
        q.CopyTo(_qr.AsSpan(slot * d, d));
        k.CopyTo(_kr.AsSpan(slot * d, d));
        v.CopyTo(_vr.AsSpan(slot * d, d));
        _t = t + 1;
        if (t < n - 1) return false;
        // Oldest position t − n + 1 sits in slot (t + 1) mod n: the window is the ring rotated by that slot.
        int first = (slot + 1) % n, tail = (n - first) * d;
        Unroll(_qr, _qw, first, tail); Unroll(_kr, _kw, first, tail); Unroll(_vr, _vw, first, tail);
        _window.Compute(_qw, _kw, _vw, output, !_retro);
        return true;
    }

    private static void Unroll(float[] ring, float[] window, int first, int tail)
    {
        int head = ring.Length - tail;
        ring.AsSpan(head, tail).CopyTo(window);
        ring.AsSpan(0, head).CopyTo(window.AsSpan(tail));
    }
}
