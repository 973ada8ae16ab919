using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class VecMat
{
    /// <summary>
    /// Float32: per group of Count columns j0, s_r = Σ_{i ≡ r mod 4} x[i]·W[i, j0 …] (four accumulators, fused
    /// multiply-adds), y[j0 …] = (s0 + s1) + (s2 + s3), widened into yWide; the last cols mod Count columns left to
    /// right. Vector128: (<see cref="W128"/>, Vector128&lt;float&gt;, Vector128&lt;double&gt;); Vector256 likewise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableCore<TW, TV, TD>(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide)
        where TW : struct, ISimd<TV>, ISimd64<TD> where TV : struct where TD : struct =>
        PortableBlock<TW, TV, TD>(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y),
            ref MemoryMarshal.GetReference(yWide), x.Length, y.Length, y.Length - y.Length % TW.Count, !yWide.IsEmpty);

    /// <summary>Float32 blocks: <see cref="PortableBlock{TW, TV, TD}"/> per block, the references advanced by a block's W, x and y.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // one call per step for all blocks: its own register allocation
    internal static void PortableBlocksCore<TW, TV, TD>(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, Span<double> yWide, int blocks)
        where TW : struct, ISimd<TV>, ISimd64<TD> where TV : struct where TD : struct
    {
        int rows = x.Length / blocks, cols = y.Length / blocks, cv = cols - cols % TW.Count;
        bool wide = !yWide.IsEmpty;
        nint size = (nint)rows * cols, yStep = wide ? cols : 0;
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref double ywr = ref MemoryMarshal.GetReference(yWide);
        for (int b = blocks; b > 0; b--)
        {
            PortableBlock<TW, TV, TD>(ref wr, ref xr, ref yr, ref ywr, rows, cols, cv, wide);
            wr = ref Unsafe.Add(ref wr, size);
            xr = ref Unsafe.Add(ref xr, rows);
            yr = ref Unsafe.Add(ref yr, cols);
            ywr = ref Unsafe.Add(ref ywr, yStep);
        }
    }

    // One float32 product y = xᵀW, W [rows, cols] at wr (see PortableCore); yWide at ywr only when wide. Native-int
    // indices and references advanced by four rows per pass (no sign extensions or index products in the loops: these
    // products are 8–12 rows, called per attention head).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PortableBlock<TW, TV, TD>(ref float wr, ref float xr, ref float yr, ref double ywr, int rows, int cols, nint cv, bool wide)
        where TW : struct, ISimd<TV>, ISimd64<TD> where TV : struct where TD : struct
    {
        nint wf = TW.Count, wd = TW.Count64, c = cols, passes = rows >> 2, r4 = passes << 2;
        nuint c1 = (nuint)c, c2 = 2 * c1, c3 = 3 * c1;
        for (nint j0 = 0; j0 < cv; j0 += wf)
        {
            TV s0 = TW.Zero, s1 = TW.Zero, s2 = TW.Zero, s3 = TW.Zero;
            ref float wc = ref Unsafe.Add(ref wr, j0);   // W[i, j0]
            ref float xi = ref xr;                        // x[i]
            for (nint p = passes; p > 0; p--)
            {
                s0 = TW.MultiplyAddEstimate(TW.Create(xi), TW.Load(ref wc, 0), s0);
                s1 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xi, 1)), TW.Load(ref wc, c1), s1);
                s2 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xi, 2)), TW.Load(ref wc, c2), s2);
                s3 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xi, 3)), TW.Load(ref wc, c3), s3);
                wc = ref Unsafe.Add(ref wc, 4 * c);
                xi = ref Unsafe.Add(ref xi, 4);
            }
            for (nint i = r4; i < rows; i++)
            {
                s0 = TW.MultiplyAddEstimate(TW.Create(xi), TW.Load(ref wc, 0), s0);
                wc = ref Unsafe.Add(ref wc, c);
                xi = ref Unsafe.Add(ref xi, 1);
            }
            TW.Store(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)), ref yr, (nuint)j0);
            if (wide)
            {
                TW.WidenLoad(ref yr, (nuint)j0, out TD lo, out TD hi);
                TW.Store(lo, ref ywr, (nuint)j0);
                TW.Store(hi, ref ywr, (nuint)(j0 + wd));
            }
        }
        for (nint j = cv; j < c; j++)
        {
            float s = 0;
            for (nint i = 0; i < rows; i++) s += Unsafe.Add(ref xr, i) * Unsafe.Add(ref wr, i * c + j);
            Unsafe.Add(ref yr, j) = s;
            if (wide) Unsafe.Add(ref ywr, j) = s;
        }
    }

    /// <summary>
    /// Float64: per group of Count64 columns, four interleaved row accumulators as above, then
    /// y = ((s0 + s1) + (s2 + s3))·scale / divisor; the last cols mod Count64 columns left to right.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableCore<TW, TD>(ReadOnlySpan<double> w, ReadOnlySpan<double> x, double scale, ReadOnlySpan<double> divisor, Span<double> y)
        where TW : struct, ISimd64<TD> where TD : struct =>
        PortableBlock<TW, TD>(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y),
            ref MemoryMarshal.GetReference(divisor), x.Length, y.Length, y.Length - y.Length % TW.Count64, scale, !divisor.IsEmpty, y.Length);

    /// <summary>Float64 with rows of W <paramref name="rowStride"/> elements apart (the first y.Length of each used).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableStridedCore<TW, TD>(ReadOnlySpan<double> w, int rowStride, ReadOnlySpan<double> x, Span<double> y)
        where TW : struct, ISimd64<TD> where TD : struct =>
        PortableBlock<TW, TD>(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y),
            ref MemoryMarshal.GetReference(y), x.Length, y.Length, y.Length - y.Length % TW.Count64, 1.0, false, rowStride);

    /// <summary>Float64 blocks: <see cref="PortableBlock{TW, TD}"/> per block with scale = scales[b] (1 when empty).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // one call per step for all blocks: its own register allocation
    internal static void PortableBlocksCore<TW, TD>(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> scales, ReadOnlySpan<double> divisor,
        Span<double> y, int blocks) where TW : struct, ISimd64<TD> where TD : struct
    {
        int rows = x.Length / blocks, cols = y.Length / blocks, cv = cols - cols % TW.Count64;
        bool divide = !divisor.IsEmpty, scaled = !scales.IsEmpty;
        nint size = (nint)rows * cols, dStep = divide ? cols : 0, sStep = scaled ? 1 : 0;
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double dr = ref MemoryMarshal.GetReference(divisor);
        double one = 1.0;
        ref double sr = ref scaled ? ref MemoryMarshal.GetReference(scales) : ref one;
        for (int b = blocks; b > 0; b--)
        {
            PortableBlock<TW, TD>(ref wr, ref xr, ref yr, ref dr, rows, cols, cv, sr, divide, cols);
            wr = ref Unsafe.Add(ref wr, size);
            xr = ref Unsafe.Add(ref xr, rows);
            yr = ref Unsafe.Add(ref yr, cols);
            dr = ref Unsafe.Add(ref dr, dStep);
            sr = ref Unsafe.Add(ref sr, sStep);
        }
    }

    // One float64 product y = scale·(xᵀW) ⊘ divisor, W [rows, cols] at wr with rows ld elements apart (see PortableCore); divisor read only when
    // divide. Loops as in the float32 block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PortableBlock<TW, TD>(ref double wr, ref double xr, ref double yr, ref double dr, int rows, int cols, nint cv, double scale, bool divide,
        nint ld) where TW : struct, ISimd64<TD> where TD : struct
    {
        nint wd = TW.Count64, c = cols, passes = rows >> 2, r4 = passes << 2;
        nuint c1 = (nuint)ld, c2 = 2 * c1, c3 = 3 * c1;
        TD vscale = TW.Create(scale);
        nint j0 = 0;
        for (; j0 + 2 * wd <= cv; j0 += 2 * wd)
        {
            // Two column groups per row pass (one x broadcast for both), each with its own four accumulators: the
            // same sums in the same order as one group at a time.
            TD s0 = TW.Zero64, s1 = TW.Zero64, s2 = TW.Zero64, s3 = TW.Zero64, t0 = TW.Zero64, t1 = TW.Zero64, t2 = TW.Zero64, t3 = TW.Zero64;
            ref double wc = ref Unsafe.Add(ref wr, j0);   // W[i, j0]
            ref double xi = ref xr;                        // x[i]
            nuint g = (nuint)wd;
            for (nint p = passes; p > 0; p--)
            {
                TD x0 = TW.Create(xi), x1 = TW.Create(Unsafe.Add(ref xi, 1)), x2 = TW.Create(Unsafe.Add(ref xi, 2)), x3 = TW.Create(Unsafe.Add(ref xi, 3));
                s0 = TW.MultiplyAddEstimate(x0, TW.Load(ref wc, 0), s0);
                t0 = TW.MultiplyAddEstimate(x0, TW.Load(ref wc, g), t0);
                s1 = TW.MultiplyAddEstimate(x1, TW.Load(ref wc, c1), s1);
                t1 = TW.MultiplyAddEstimate(x1, TW.Load(ref wc, c1 + g), t1);
                s2 = TW.MultiplyAddEstimate(x2, TW.Load(ref wc, c2), s2);
                t2 = TW.MultiplyAddEstimate(x2, TW.Load(ref wc, c2 + g), t2);
                s3 = TW.MultiplyAddEstimate(x3, TW.Load(ref wc, c3), s3);
                t3 = TW.MultiplyAddEstimate(x3, TW.Load(ref wc, c3 + g), t3);
                wc = ref Unsafe.Add(ref wc, 4 * ld);
                xi = ref Unsafe.Add(ref xi, 4);
            }
            for (nint i = r4; i < rows; i++)
            {
                TD xv = TW.Create(xi);
                s0 = TW.MultiplyAddEstimate(xv, TW.Load(ref wc, 0), s0);
                t0 = TW.MultiplyAddEstimate(xv, TW.Load(ref wc, g), t0);
                wc = ref Unsafe.Add(ref wc, ld);
                xi = ref Unsafe.Add(ref xi, 1);
            }
            TD s = TW.Multiply(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)), vscale);
            TD t = TW.Multiply(TW.Add(TW.Add(t0, t1), TW.Add(t2, t3)), vscale);
            if (divide)
            {
                s = TW.Divide(s, TW.Load(ref dr, (nuint)j0));
                t = TW.Divide(t, TW.Load(ref dr, (nuint)(j0 + wd)));
            }
            TW.Store(s, ref yr, (nuint)j0);
            TW.Store(t, ref yr, (nuint)(j0 + wd));
        }
        for (; j0 < cv; j0 += wd)
        {
            TD s0 = TW.Zero64, s1 = TW.Zero64, s2 = TW.Zero64, s3 = TW.Zero64;
            ref double wc = ref Unsafe.Add(ref wr, j0);   // W[i, j0]
            ref double xi = ref xr;                        // x[i]
            for (nint p = passes; p > 0; p--)
            {
                s0 = TW.MultiplyAddEstimate(TW.Create(xi), TW.Load(ref wc, 0), s0);
                s1 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xi, 1)), TW.Load(ref wc, c1), s1);
                s2 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xi, 2)), TW.Load(ref wc, c2), s2);
                s3 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xi, 3)), TW.Load(ref wc, c3), s3);
                wc = ref Unsafe.Add(ref wc, 4 * ld);
                xi = ref Unsafe.Add(ref xi, 4);
            }
            for (nint i = r4; i < rows; i++)
            {
                s0 = TW.MultiplyAddEstimate(TW.Create(xi), TW.Load(ref wc, 0), s0);
                wc = ref Unsafe.Add(ref wc, ld);
                xi = ref Unsafe.Add(ref xi, 1);
            }
            TD s = TW.Multiply(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)), vscale);
            if (divide) s = TW.Divide(s, TW.Load(ref dr, (nuint)j0));
            TW.Store(s, ref yr, (nuint)j0);
        }
        for (nint j = cv; j < c; j++)
        {
            double s = 0;
            for (nint i = 0; i < rows; i++) s += Unsafe.Add(ref xr, i) * Unsafe.Add(ref wr, i * ld + j);
            Unsafe.Add(ref yr, j) = divide ? s * scale / Unsafe.Add(ref dr, j) : s * scale;
        }
    }
}
