using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

public static partial class MatVecI8
{
    /// <summary>
    /// The variant-specific inner step of the four-row int8 block (<see cref="Rows4Core{TStep, TAcc}"/>): Vector128,
    /// Vector256, AdvSimd and AdvSimdDp differ only in how they multiply-accumulate one column step into the four
    /// row accumulators (int32 lanes of TAcc) and in how four accumulators are reduced to four row sums.
    /// </summary>
    private interface IRows4Step<TAcc> where TAcc : struct
    {
        /// <summary>Columns per step (16 or 32).</summary>
        static abstract int Step { get; }

        /// <summary>a_k += partial Σ_{c ≤ j &lt; c+Step} W[k, j] x[j] for the four rows k (exact int32 lanes).</summary>
        static abstract void Accumulate(ref sbyte x, ref sbyte w0, ref sbyte w1, ref sbyte w2, ref sbyte w3, nuint c,
                                        ref TAcc a0, ref TAcc a1, ref TAcc a2, ref TAcc a3);

        /// <summary>[Σ lanes a0, Σ a1, Σ a2, Σ a3].</summary>
        static abstract Vector128<int> Sum4(TAcc a0, TAcc a1, TAcc a2, TAcc a3);
    }

    /// <summary>
    /// y = sx · s_w ⊙ (W qx) + b, four rows at a time: one x load per step feeds four rows (TStep.Accumulate),
    /// the four row sums are reduced together, columns mod Step are added in scalar (<see cref="ColumnTail4"/>),
    /// and the epilogue runs on four rows at once (<see cref="Epilogue4"/>, bit-identical to <see cref="Store"/>).
    /// Leftover rows (rows mod 4) use the int8 dot of <paramref name="variant"/>.
    /// </summary>
    private static void Rows4Core<TStep, TAcc>(KernelVariant variant, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> qx, float sx, ReadOnlySpan<float> bias, Span<float> y)
        where TStep : struct, IRows4Step<TAcc> where TAcc : struct
    {
        int rows = y.Length, cols = qx.Length, step = TStep.Step;
        ref sbyte wr = ref MemoryMarshal.GetReference(w);
        ref sbyte xr = ref MemoryMarshal.GetReference(qx);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref wr, (nint)r * cols);
            ref sbyte w1 = ref Unsafe.Add(ref w0, cols);
            ref sbyte w2 = ref Unsafe.Add(ref w1, cols);
            ref sbyte w3 = ref Unsafe.Add(ref w2, cols);
            TAcc a0 = default, a1 = default, a2 = default, a3 = default;
            int c = 0;
            for (; c + step <= cols; c += step)
                TStep.Accumulate(ref xr, ref w0, ref w1, ref w2, ref w3, (nuint)c, ref a0, ref a1, ref a2, ref a3);
            Vector128<int> sums = TStep.Sum4(a0, a1, a2, a3);
            if (c < cols) sums += ColumnTail4(ref w0, cols, ref xr, c);
            Epilogue4(sums, r, sx, wScales, bias, y);
        }
        RemainingRows(variant, r, w, wScales, qx, sx, bias, y);
    }
}
