namespace EdgeAttention.Kernels;

/// <summary>
/// One implementation family of the kernels. Float32 kernels come in <see cref="Scalar"/>,
/// <see cref="Vector128"/> and <see cref="Vector256"/>; int8 kernels additionally in
/// <see cref="AdvSimd"/> (arm64 smull/smull2 + sadalp), <see cref="AdvSimdDp"/> (arm64 SDOT) and
/// <see cref="Avx2"/> (x64 vpmaddubsw + vpmaddwd), <see cref="Ssse3"/> (x64 pmaddubsw + pmaddwd on 16 bytes) and
/// <see cref="AvxVnni"/> (x64 vpdpbusd).
/// Environment names (EDGEATTN_KERNELS): scalar | vector128 | vector256 | advsimd | dp | avx2 | ssse3 | avxvnni.
/// </summary>
public enum KernelVariant
{
    /// <summary>Plain loops: the reference every other variant is tested against.</summary>
    Scalar,
    /// <summary>Portable System.Runtime.Intrinsics.Vector128 code (SSE on x64, AdvSimd on arm64).</summary>
    Vector128,
    /// <summary>Portable Vector256 code (accelerated on x64 with AVX2 under the JIT or a raised AOT instruction set).</summary>
    Vector256,
    /// <summary>int8 only: arm64 AdvSimd widening multiply (smull/smull2) + pairwise add-accumulate (sadalp).</summary>
    AdvSimd,
    /// <summary>int8 only: arm64 dot-product extension (SDOT), a runtime check under NativeAOT.</summary>
    AdvSimdDp,
    /// <summary>int8 only: x64 AVX2 vpmaddubsw/vpmaddwd on sign-fixed operands.</summary>
    Avx2,
    /// <summary>int8 only: x64 SSSE3 pmaddubsw + SSE2 pmaddwd on sign-fixed operands (pre-AVX2 CPUs and the default x64 NativeAOT build).</summary>
    Ssse3,
    /// <summary>
    /// int8 only: x64 AVX-VNNI vpdpbusd (u8 × s8 → int32) on x + 128 with a row-sum correction; a runtime check under
    /// NativeAOT (AVX-VNNI is not part of x86-64-v3).
    /// </summary>
    AvxVnni,
}
