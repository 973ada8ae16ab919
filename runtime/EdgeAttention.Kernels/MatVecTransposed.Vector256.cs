using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVecTransposed
{
    /// <summary>
    /// y[j] = Σ_i x[i] W[i, j], W row-major [rows = x.Length, cols = y.Length]: y is cleared, then four rows of W
    /// are added per pass (y += x[i] W[i,:] + … + x[i+3] W[i+3,:]) so each y chunk is loaded and stored once per
    /// four rows; 8 columns per step, scalar tail. x and y must not overlap.
    /// </summary>
    internal static void Vector256Core(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int rows = x.Length, cols = y.Length;
        y.Clear();
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i + 4 <= rows; i += 4)
        {
            ref float w0 = ref Unsafe.Add(ref wr, (nint)i * cols);
            ref float w1 = ref Unsafe.Add(ref w0, cols);
            ref float w2 = ref Unsafe.Add(ref w1, cols);
            ref float w3 = ref Unsafe.Add(ref w2, cols);
            float s0 = x[i], s1 = x[i + 1], s2 = x[i + 2], s3 = x[i + 3];
            Vector256<float> x0 = Vector256.Create(s0), x1 = Vector256.Create(s1), x2 = Vector256.Create(s2), x3 = Vector256.Create(s3);
            int j = 0;
            for (; j + 8 <= cols; j += 8)
            {
                Vector256<float> acc = Vector256.LoadUnsafe(ref yr, (nuint)j);
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)j), x0, acc);
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)j), x1, acc);
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)j), x2, acc);
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)j), x3, acc);
                acc.StoreUnsafe(ref yr, (nuint)j);
            }
            for (; j < cols; j++)
                y[j] += s0 * Unsafe.Add(ref w0, j) + s1 * Unsafe.Add(ref w1, j) + s2 * Unsafe.Add(ref w2, j) + s3 * Unsafe.Add(ref w3, j);
        }
        for (; i < rows; i++) Axpy.Vector256Core(x[i], w.Slice(i * cols, cols), y);
    }
}
