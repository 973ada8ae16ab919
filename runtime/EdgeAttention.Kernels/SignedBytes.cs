using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

/// <summary>
/// The x64 int8 multiply-accumulate ("sign trick") at one vector width: pmaddubsw multiplies unsigned by signed
/// bytes, so the signs of x are moved onto the other operand: |x|·(w·sign x) = x·w. pmaddubsw adds adjacent products
/// into int16 (|pair| ≤ 2·127² = 32258, no saturation for inputs in [−127, 127]) and pmaddwd with ones widens pairs
/// into int32 lanes. Integer sums are exact, so every kernel built on it is bit-identical with the scalar reference.
/// TB: the byte vector, TA: its int32 accumulator. <see cref="Ssse3Bytes"/> (16 bytes), <see cref="Avx2Bytes"/> (32 bytes).
/// </summary>
internal interface ISignedBytes<TB, TA> where TB : struct where TA : struct
{
    /// <summary>Bytes per vector (16 or 32).</summary>
    static abstract int Bytes { get; }

    /// <summary>Bytes loaded from r + i.</summary>
    static abstract TB Load(ref sbyte r, nuint i);

    /// <summary>|x| per byte (pabsb; as unsigned bytes, valid for x ≠ −128).</summary>
    static abstract TB Abs(TB x);

    /// <summary>acc + pmaddwd(pmaddubsw(|x|, psignb(w, x)), 1): each int32 lane gains four adjacent products x·w.</summary>
    static abstract TA MultiplyAdd(TA acc, TB absX, TB x, TB w);

    /// <summary>Σ of the int32 lanes of a0 + a1 (wrap-around).</summary>
    static abstract int Sum(TA a0, TA a1);
}

/// <summary>The sign trick on 16 bytes (SSSE3 pabsb/psignb/pmaddubsw, SSE2 pmaddwd). Only used when Ssse3.IsSupported.</summary>
internal readonly struct Ssse3Bytes : ISignedBytes<Vector128<sbyte>, Vector128<int>>
{
    public static int Bytes { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Load(ref sbyte r, nuint i) => Vector128.LoadUnsafe(ref r, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Abs(Vector128<sbyte> x) => Ssse3.Abs(x).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> acc, Vector128<sbyte> absX, Vector128<sbyte> x, Vector128<sbyte> w) =>
        acc + Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(absX.AsByte(), Ssse3.Sign(w, x)), Vector128.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sum(Vector128<int> a0, Vector128<int> a1) => Vector128.Sum(a0 + a1);
}

/// <summary>The sign trick on 32 bytes (AVX2 vpabsb/vpsignb/vpmaddubsw/vpmaddwd). Only used when Avx2.IsSupported.</summary>
internal readonly struct Avx2Bytes : ISignedBytes<Vector256<sbyte>, Vector256<int>>
{
    public static int Bytes { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 32; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Load(ref sbyte r, nuint i) => Vector256.LoadUnsafe(ref r, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Abs(Vector256<sbyte> x) => Avx2.Abs(x).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAdd(Vector256<int> acc, Vector256<sbyte> absX, Vector256<sbyte> x, Vector256<sbyte> w) =>
        acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(absX.AsByte(), Avx2.Sign(w, x)), Vector256.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sum(Vector256<int> a0, Vector256<int> a1) => Vector256.Sum(a0 + a1);
}
