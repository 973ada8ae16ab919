using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class RealFft
{
    // The FFT stages are float64 (see the type summary), so they do not use the float32 ISimd widths: the two
    // variants are one generic method over a tiny double-lane abstraction (Vector128<double>: 2 lanes,
    // Vector256<double>: 4 lanes), specialised per struct argument like the ISimd kernels.

    private interface IDoubleLanes<TV> where TV : struct
    {
        static abstract int Count { get; }
        static abstract TV Load(ref double r, nuint i);
        static abstract void Store(TV v, ref double r, nuint i);
        static abstract TV Add(TV a, TV b);
        static abstract TV Subtract(TV a, TV b);
        static abstract TV Multiply(TV a, TV b);
    }

    private readonly struct D128 : IDoubleLanes<Vector128<double>>
    {
        public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 2; }
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Load(ref double r, nuint i) => Vector128.LoadUnsafe(ref r, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<double> v, ref double r, nuint i) => v.StoreUnsafe(ref r, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;
    }

    private readonly struct D256 : IDoubleLanes<Vector256<double>>
    {
        public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 4; }
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(ref double r, nuint i) => Vector256.LoadUnsafe(ref r, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<double> v, ref double r, nuint i) => v.StoreUnsafe(ref r, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    }

    internal static void Vector128Stages(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im) => VectorStages<D128, Vector128<double>>(stageTwiddles, re, im);

    internal static void Vector256Stages(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im) => VectorStages<D256, Vector256<double>>(stageTwiddles, re, im);

    /// <summary>
    /// The stages of <see cref="ScalarStages"/> with Count butterflies per step for every stage whose half-size h ≥ Count
    /// (j runs over contiguous table entries and contiguous a, a+h); the first stages (h &lt; Count) run the scalar code.
    /// Same operations in the same order as the scalar reference (no fused multiply-add), lane by lane.
    /// </summary>
    private static void VectorStages<TL, TV>(ReadOnlySpan<double> stageTwiddles, Span<double> re, Span<double> im) where TL : struct, IDoubleLanes<TV> where TV : struct
    {
        int m = re.Length, w = TL.Count;
        int half = stageTwiddles.Length / 2;
        ScalarStages(stageTwiddles, re, im, 1, Math.Min(w, m));
        if (w >= m) return;
        ref double rr = ref MemoryMarshal.GetReference(re);
        ref double ir = ref MemoryMarshal.GetReference(im);
        ref double wr = ref MemoryMarshal.GetReference(stageTwiddles);
        ref double wi = ref MemoryMarshal.GetReference(stageTwiddles[half..]);
        for (int h = w; h < m; h *= 2)
        {
            for (int s = 0; s < m; s += 2 * h)
            {
                for (int j = 0; j < h; j += w)
                {
                    nuint a = (nuint)(s + j), b = a + (nuint)h, t = (nuint)(h - 1 + j);
                    TV cr = TL.Load(ref wr, t), ci = TL.Load(ref wi, t);
                    TV brv = TL.Load(ref rr, b), biv = TL.Load(ref ir, b);
                    TV tr = TL.Subtract(TL.Multiply(cr, brv), TL.Multiply(ci, biv));
                    TV ti = TL.Add(TL.Multiply(cr, biv), TL.Multiply(ci, brv));
                    TV arv = TL.Load(ref rr, a), aiv = TL.Load(ref ir, a);
                    TL.Store(TL.Subtract(arv, tr), ref rr, b);
                    TL.Store(TL.Subtract(aiv, ti), ref ir, b);
                    TL.Store(TL.Add(arv, tr), ref rr, a);
                    TL.Store(TL.Add(aiv, ti), ref ir, a);
                }
            }
        }
    }
}
