namespace EdgeAttention.Kernels;

public static partial class Finite
{
    /// <summary>Reference: the first i ≥ from with !float.IsFinite(x[i]), or −1.</summary>
    internal static int ScalarCore(ReadOnlySpan<float> x, int from)
    {
        for (int i = from; i < x.Length; i++)
            if (!float.IsFinite(x[i])) return i;
        return -1;
    }

    /// <summary>Reference: every x[i], i ≥ from, satisfies |x[i]| ≤ bound (false for NaN and, for a finite bound, ±∞).</summary>
    internal static bool ScalarWithinCore(ReadOnlySpan<float> x, float bound, int from)
    {
        for (int i = from; i < x.Length; i++)
            if (!(MathF.Abs(x[i]) <= bound)) return false;
        return true;
    }
}
