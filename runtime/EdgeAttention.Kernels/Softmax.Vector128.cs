using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class Softmax
{
    /// <summary>y = exp(x − max x) / Σ exp(x − max x): vector max, vector exp + sum, vector scale. x may be y.</summary>
    internal static void Vector128Core(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float max = float.NegativeInfinity;
        int i = 0;
        if (n >= 4)
        {
            Vector128<float> m = Vector128.LoadUnsafe(ref xr);
            for (i = 4; i + 4 <= n; i += 4) m = Vector128.Max(m, Vector128.LoadUnsafe(ref xr, (nuint)i));
            max = HorizontalSums.Max(m);
        }
        for (; i < n; i++) max = MathF.Max(max, x[i]);
        float sum = Vector128ShiftedExpCore(x, max, y);
        RowScale.Vector128Core(y, 1f / sum, y);
    }

    /// <summary>y = exp(x − shift), returns Σ y; 4 lanes per step with Vector128.Exp, scalar tail. x may be y.</summary>
    internal static float Vector128ShiftedExpCore(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector128<float> s = Vector128.Create(shift), acc = Vector128<float>.Zero;
        int i = 0;
        for (; i + 4 <= n; i += 4)
        {
            Vector128<float> e = Vector128.Exp(Vector128.LoadUnsafe(ref xr, (nuint)i) - s);
            e.StoreUnsafe(ref yr, (nuint)i);
            acc += e;
        }
        float sum = Vector128.Sum(acc);
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }
}
