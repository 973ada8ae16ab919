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
}
