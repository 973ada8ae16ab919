using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Softmax
{
    /// <summary>y = exp(x − max x) / Σ exp(x − max x): vector max, vector exp + sum, vector scale. x may be y.</summary>
    internal static void Vector256Core(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float max = float.NegativeInfinity;
        int i = 0;
        if (n >= 8)
        {
            Vector256<float> m = Vector256.LoadUnsafe(ref xr);
            for (i = 8; i + 8 <= n; i += 8) m = Vector256.Max(m, Vector256.LoadUnsafe(ref xr, (nuint)i));
            max = HorizontalSums.Max(m);
        }
        for (; i < n; i++) max = MathF.Max(max, x[i]);
        float sum = Vector256ShiftedExpCore(x, max, y);
        RowScale.Vector256Core(y, 1f / sum, y);
    }

    /// <summary>y = exp(x − shift), returns Σ y; 8 lanes per step with Vector256.Exp, scalar tail. x may be y.</summary>
    internal static float Vector256ShiftedExpCore(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> s = Vector256.Create(shift), acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<float> e = Vector256.Exp(Vector256.LoadUnsafe(ref xr, (nuint)i) - s);
            e.StoreUnsafe(ref yr, (nuint)i);
            acc += e;
        }
        float sum = Vector256.Sum(acc);
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }
}
