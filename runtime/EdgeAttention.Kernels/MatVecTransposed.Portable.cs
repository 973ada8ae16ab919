using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class MatVecTransposed
{
    /// <summary>
    /// y[j] = Σ_i x[i] W[i, j], W row-major [rows = x.Length, cols = y.Length]: y is cleared, then four rows of W
    /// are added per pass (y += x[i] W[i,:] + … + x[i+3] W[i+3,:]) so each y chunk is loaded and stored once per
    /// four rows; Count columns per step, scalar tail; leftover rows via Axpy. x and y must not overlap.
    /// Vector128 variant: (TW, TV) = (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int rows = x.Length, cols = y.Length, lanes = TW.Count;
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
            TV x0 = TW.Create(s0), x1 = TW.Create(s1), x2 = TW.Create(s2), x3 = TW.Create(s3);
            int j = 0;
            for (; j + lanes <= cols; j += lanes)
            {
                TV acc = TW.Load(ref yr, (nuint)j);
                acc = TW.MultiplyAddEstimate(TW.Load(ref w0, (nuint)j), x0, acc);
                acc = TW.MultiplyAddEstimate(TW.Load(ref w1, (nuint)j), x1, acc);
                acc = TW.MultiplyAddEstimate(TW.Load(ref w2, (nuint)j), x2, acc);
                acc = TW.MultiplyAddEstimate(TW.Load(ref w3, (nuint)j), x3, acc);
                TW.Store(acc, ref yr, (nuint)j);
            }
            for (; j < cols; j++)
                y[j] += s0 * Unsafe.Add(ref w0, j) + s1 * Unsafe.Add(ref w1, j) + s2 * Unsafe.Add(ref w2, j) + s3 * Unsafe.Add(ref w3, j);
        }
        for (; i < rows; i++) Axpy.PortableCore<TW, TV>(x[i], w.Slice(i * cols, cols), y);
    }
}
