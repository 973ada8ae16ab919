using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVec
{
    /// <summary>
    /// y[r] = Σ_c W[r, c] x[c] + b[r], W row-major [rows = y.Length, cols = x.Length].
    /// Four rows at a time, each with two independent Vector256 accumulators (8 multiply-add chains in flight),
    /// so one x load feeds four rows; columns in steps of 16, then 8, then a scalar tail per row.
    /// Leftover rows (rows mod 4) go through the dot-product core. x and y must not overlap.
    /// </summary>
    internal static void Vector256Core(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        int rows = y.Length, cols = x.Length;
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref float w0 = ref Unsafe.Add(ref wr, (nint)r * cols);
            ref float w1 = ref Unsafe.Add(ref w0, cols);
            ref float w2 = ref Unsafe.Add(ref w1, cols);
            ref float w3 = ref Unsafe.Add(ref w2, cols);
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int c = 0;
            for (; c + 16 <= cols; c += 16)
            {
                Vector256<float> x0 = Vector256.LoadUnsafe(ref xr, (nuint)c);
                Vector256<float> x1 = Vector256.LoadUnsafe(ref xr, (nuint)(c + 8));
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)c), x0, a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)c), x0, a1);
                a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)c), x0, a2);
                a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)c), x0, a3);
                b0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)(c + 8)), x1, b0);
                b1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)(c + 8)), x1, b1);
                b2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)(c + 8)), x1, b2);
                b3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)(c + 8)), x1, b3);
            }
            if (c + 8 <= cols)
            {
                Vector256<float> x0 = Vector256.LoadUnsafe(ref xr, (nuint)c);
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)c), x0, a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)c), x0, a1);
                a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)c), x0, a2);
                a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)c), x0, a3);
                c += 8;
            }
            float s0 = Vector256.Sum(a0 + b0), s1 = Vector256.Sum(a1 + b1), s2 = Vector256.Sum(a2 + b2), s3 = Vector256.Sum(a3 + b3);
            for (; c < cols; c++)
            {
                float xc = Unsafe.Add(ref xr, c);
                s0 += Unsafe.Add(ref w0, c) * xc;
                s1 += Unsafe.Add(ref w1, c) * xc;
                s2 += Unsafe.Add(ref w2, c) * xc;
                s3 += Unsafe.Add(ref w3, c) * xc;
            }
            if (bias.Length != 0)
            {
                s0 += bias[r]; s1 += bias[r + 1]; s2 += bias[r + 2]; s3 += bias[r + 3];
            }
            y[r] = s0; y[r + 1] = s1; y[r + 2] = s2; y[r + 3] = s3;
        }
        for (; r < rows; r++)
        {
            float s = Dot.Vector256Core(w.Slice(r * cols, cols), x);
            y[r] = bias.Length != 0 ? s + bias[r] : s;
        }
    }
}
