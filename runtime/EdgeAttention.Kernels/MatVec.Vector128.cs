using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVec
{
    /// <summary>
    /// y[r] = Σ_c W[r, c] x[c] + b[r], W row-major [rows = y.Length, cols = x.Length].
    /// Four rows at a time, each with two independent Vector128 accumulators (8 multiply-add chains in flight),
    /// so one x load feeds four rows; columns in steps of 8, then 4, then a scalar tail per row; the four row sums
    /// are reduced together (<see cref="HorizontalSums.Sum4(Vector128{float}, Vector128{float}, Vector128{float}, Vector128{float})"/>) and stored with the bias as one vector.
    /// Leftover rows (rows mod 4) go through the dot-product core. x and y must not overlap.
    /// </summary>
    internal static void Vector128Core(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
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
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int c = 0;
            for (; c + 8 <= cols; c += 8)
            {
                Vector128<float> x0 = Vector128.LoadUnsafe(ref xr, (nuint)c);
                Vector128<float> x1 = Vector128.LoadUnsafe(ref xr, (nuint)(c + 4));
                a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w0, (nuint)c), x0, a0);
                a1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w1, (nuint)c), x0, a1);
                a2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w2, (nuint)c), x0, a2);
                a3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w3, (nuint)c), x0, a3);
                b0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w0, (nuint)(c + 4)), x1, b0);
                b1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w1, (nuint)(c + 4)), x1, b1);
                b2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w2, (nuint)(c + 4)), x1, b2);
                b3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w3, (nuint)(c + 4)), x1, b3);
            }
            if (c + 4 <= cols)
            {
                Vector128<float> x0 = Vector128.LoadUnsafe(ref xr, (nuint)c);
                a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w0, (nuint)c), x0, a0);
                a1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w1, (nuint)c), x0, a1);
                a2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w2, (nuint)c), x0, a2);
                a3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w3, (nuint)c), x0, a3);
                c += 4;
            }
            Vector128<float> sums = HorizontalSums.Sum4(a0 + b0, a1 + b1, a2 + b2, a3 + b3);
            if (c < cols)
            {
                float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
                for (; c < cols; c++)
                {
                    float xc = Unsafe.Add(ref xr, c);
                    t0 += Unsafe.Add(ref w0, c) * xc;
                    t1 += Unsafe.Add(ref w1, c) * xc;
                    t2 += Unsafe.Add(ref w2, c) * xc;
                    t3 += Unsafe.Add(ref w3, c) * xc;
                }
                sums += Vector128.Create(t0, t1, t2, t3);
            }
            if (bias.Length != 0) sums += Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)r);
            sums.StoreUnsafe(ref MemoryMarshal.GetReference(y), (nuint)r);
        }
        for (; r < rows; r++)
        {
            float s = Dot.PortableCore<W128, Vector128<float>>(w.Slice(r * cols, cols), x);
            y[r] = bias.Length != 0 ? s + bias[r] : s;
        }
    }
}
