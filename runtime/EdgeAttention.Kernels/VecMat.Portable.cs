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
        where TW : struct, ISimd<TV>, ISimd64<TD> where TV : struct where TD : struct
    {
        int rows = x.Length, cols = y.Length, wf = TW.Count, wd = TW.Count64, cv = cols - cols % wf, j0 = 0;
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        bool wide = !yWide.IsEmpty;
        ref double ywr = ref MemoryMarshal.GetReference(yWide);
        for (; j0 < cv; j0 += wf)
        {
            TV s0 = TW.Zero, s1 = TW.Zero, s2 = TW.Zero, s3 = TW.Zero;
            int i = 0;
            ref float wc = ref Unsafe.Add(ref wr, j0);   // W[i, j0], advanced by four rows per pass
            for (; i + 3 < rows; i += 4)
            {
                s0 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i)), TW.Load(ref wc, 0), s0);
                s1 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i + 1)), TW.Load(ref wc, (nuint)cols), s1);
                s2 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i + 2)), TW.Load(ref wc, (nuint)(2 * cols)), s2);
                s3 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i + 3)), TW.Load(ref wc, (nuint)(3 * cols)), s3);
                wc = ref Unsafe.Add(ref wc, 4 * cols);
            }
            for (; i < rows; i++) s0 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i)), TW.Load(ref wr, (nuint)(i * cols + j0)), s0);
            TW.Store(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)), ref yr, (nuint)j0);
            if (wide)
            {
                TW.WidenLoad(ref yr, (nuint)j0, out TD lo, out TD hi);
                TW.Store(lo, ref ywr, (nuint)j0);
                TW.Store(hi, ref ywr, (nuint)(j0 + wd));
            }
        }
        for (int j = cv; j < cols; j++)
        {
            float s = 0;
            for (int i = 0; i < rows; i++) s += Unsafe.Add(ref xr, i) * Unsafe.Add(ref wr, i * cols + j);
            y[j] = s;
            if (wide) yWide[j] = s;
        }
    }

    /// <summary>
    /// Float64: per group of Count64 columns, four interleaved row accumulators as above, then
    /// y = ((s0 + s1) + (s2 + s3))·scale / divisor; the last cols mod Count64 columns left to right.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PortableCore<TW, TD>(ReadOnlySpan<double> w, ReadOnlySpan<double> x, double scale, ReadOnlySpan<double> divisor, Span<double> y)
        where TW : struct, ISimd64<TD> where TD : struct
    {
        int rows = x.Length, cols = y.Length, wd = TW.Count64, cv = cols - cols % wd, j0 = 0;
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double dr = ref MemoryMarshal.GetReference(divisor);
        bool divide = !divisor.IsEmpty;
        TD vscale = TW.Create(scale);
        for (; j0 < cv; j0 += wd)
        {
            TD s0 = TW.Zero64, s1 = TW.Zero64, s2 = TW.Zero64, s3 = TW.Zero64;
            int i = 0;
            ref double wc = ref Unsafe.Add(ref wr, j0);   // W[i, j0], advanced by four rows per pass
            for (; i + 3 < rows; i += 4)
            {
                s0 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i)), TW.Load(ref wc, 0), s0);
                s1 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i + 1)), TW.Load(ref wc, (nuint)cols), s1);
                s2 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i + 2)), TW.Load(ref wc, (nuint)(2 * cols)), s2);
                s3 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i + 3)), TW.Load(ref wc, (nuint)(3 * cols)), s3);
                wc = ref Unsafe.Add(ref wc, 4 * cols);
            }
            for (; i < rows; i++) s0 = TW.MultiplyAddEstimate(TW.Create(Unsafe.Add(ref xr, i)), TW.Load(ref wr, (nuint)(i * cols + j0)), s0);
            TD s = TW.Multiply(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)), vscale);
            if (divide) s = TW.Divide(s, TW.Load(ref dr, (nuint)j0));
            TW.Store(s, ref yr, (nuint)j0);
        }
        for (int j = cv; j < cols; j++)
        {
            double s = 0;
            for (int i = 0; i < rows; i++) s += Unsafe.Add(ref xr, i) * Unsafe.Add(ref wr, i * cols + j);
            y[j] = divide ? s * scale / divisor[j] : s * scale;
        }
    }
}
