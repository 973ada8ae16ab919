namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>Reference: s = Σᵢ x[i] y[i] in int32.</summary>
    internal static int ScalarCore(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        int s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }
}
