using System.Runtime.Intrinsics;
using ArmAdvSimd = System.Runtime.Intrinsics.Arm.AdvSimd;
using ArmDp = System.Runtime.Intrinsics.Arm.Dp;
using X86Avx2 = System.Runtime.Intrinsics.X86.Avx2;
using X86AvxVnni = System.Runtime.Intrinsics.X86.AvxVnni;

namespace EdgeAttention.Kernels;

/// <summary>
/// The one dispatch point: picks the best available float32 and int8 kernel variants once, when the
/// type is first used, and every kernel's plain entry point (e.g. <c>MatVec.Compute(w, x, b, y)</c>)
/// uses them. Explicit-variant overloads (e.g. <c>MatVec.Compute(KernelVariant.Vector128, ...)</c>)
/// exist for tests, benchmarks and the device self-test.
/// <para>
/// Forcing: the environment variable <c>EDGEATTN_KERNELS</c> = scalar | vector128 | vector256 | advsimd | dp | avx2 | ssse3 |
/// avxvnni forces a variant. A float32 variant name forces both families to it; an int8-only name (advsimd, dp, avx2, ssse3,
/// avxvnni) forces the int8 family and the float32 family to its natural partner (advsimd, dp, ssse3 → vector128; avx2,
/// avxvnni → vector256);
/// a pair <c>float32:int8</c> (e.g. <c>vector256:scalar</c>) forces each family separately.
/// Documented fallback: an unknown or unavailable value is ignored, the automatic choice is used, and
/// <see cref="Notice"/> (also part of <see cref="Describe"/>) holds a one-line explanation the host prints.
/// </para>
/// <para>
/// Automatic choice: float32 = vector256 &gt; vector128 &gt; scalar; int8 = dp &gt; advsimd &gt; avxvnni &gt; avx2 &gt; ssse3 &gt; vector256 &gt;
/// vector128 &gt; scalar, among the variants this process can run. Under x64 NativeAOT with the default instruction
/// set Vector256/AVX2 are not available (folded off), so float32 = vector128 and int8 = ssse3 are chosen; under arm64 NativeAOT Dp is a
/// runtime check (platform notes), and so is AVX-VNNI in the x86-64-v3 build.
/// </para>
/// </summary>
public static class KernelDispatch
{
    /// <summary>Name of the environment variable that forces a variant.</summary>
    public const string EnvironmentVariable = "EDGEATTN_KERNELS";

    private static readonly KernelVariant float32Variant;
    private static readonly KernelVariant int8Variant;
    private static readonly KernelVariant[] availableFloat32;
    private static readonly KernelVariant[] availableInt8;
    private static readonly string? notice;

#pragma warning disable CA1810 // explicit static constructor: the choice is made once, in one readable place
    static KernelDispatch()
#pragma warning restore CA1810
    {
        var f = new List<KernelVariant> { KernelVariant.Scalar };
        if (System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) f.Add(KernelVariant.Vector128);
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) f.Add(KernelVariant.Vector256);
        var q = new List<KernelVariant>(f);
        if (ArmAdvSimd.Arm64.IsSupported) q.Add(KernelVariant.AdvSimd);
        if (ArmDp.IsSupported && ArmAdvSimd.Arm64.IsSupported) q.Add(KernelVariant.AdvSimdDp);
        if (X86Avx2.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) q.Add(KernelVariant.Avx2);
        if (System.Runtime.Intrinsics.X86.Ssse3.IsSupported) q.Add(KernelVariant.Ssse3);
        if (X86AvxVnni.IsSupported && X86Avx2.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) q.Add(KernelVariant.AvxVnni);
        availableFloat32 = f.ToArray();
        availableInt8 = q.ToArray();

        (float32Variant, int8Variant, notice) = Choose(Environment.GetEnvironmentVariable(EnvironmentVariable), availableFloat32, availableInt8);
    }

    /// <summary>
    /// The selection rule, as a pure function (tested directly): automatic choice, or the forced variant from the
    /// environment value, or — for an unknown or unavailable value — the automatic choice plus a one-line notice.
    /// </summary>
    internal static (KernelVariant Float32, KernelVariant Int8, string? Notice) Choose(string? forced, KernelVariant[] float32, KernelVariant[] int8)
    {
        KernelVariant f = float32[^1];
        KernelVariant q = BestInt8(int8);
        if (string.IsNullOrWhiteSpace(forced)) return (f, q, null);
        int colon = forced.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) return ChoosePair(forced, colon, float32, int8, f, q);
        if (!TryParse(forced.Trim(), out KernelVariant v))
            return (f, q, $"{EnvironmentVariable}='{forced}' is not one of scalar|vector128|vector256|advsimd|dp|avx2|ssse3|avxvnni; ignored, using automatic choice (float32={Name(f)}, int8={Name(q)}).");
        if (Array.IndexOf(int8, v) < 0)
            return (f, q, $"{EnvironmentVariable}={Name(v)} is not available on this CPU/build (int8 variants here: {Join(int8)}); ignored, using automatic choice (float32={Name(f)}, int8={Name(q)}).");
        KernelVariant partner = v switch
        {
            KernelVariant.AdvSimd or KernelVariant.AdvSimdDp or KernelVariant.Ssse3 => KernelVariant.Vector128,
            KernelVariant.Avx2 or KernelVariant.AvxVnni => KernelVariant.Vector256,
            _ => v,
        };
        if (Array.IndexOf(float32, partner) < 0) partner = KernelVariant.Scalar;
        return (partner, v, $"{EnvironmentVariable}={Name(v)}: variants forced (float32={Name(partner)}, int8={Name(v)}).");
    }

    /// <summary>
    /// "float32:int8" (e.g. <c>vector256:scalar</c>): each family forced separately — the same float32 kernels with
    /// different int8 kernels must give bit-identical model outputs, which the tests check.
    /// </summary>
    private static (KernelVariant, KernelVariant, string?) ChoosePair(string forced, int colon, KernelVariant[] float32, KernelVariant[] int8, KernelVariant f, KernelVariant q)
    {
        if (!TryParse(forced[..colon].Trim(), out KernelVariant pf) || !TryParse(forced[(colon + 1)..].Trim(), out KernelVariant pq))
            return (f, q, $"{EnvironmentVariable}='{forced}' is not <float32>:<int8> with variants from scalar|vector128|vector256|advsimd|dp|avx2|ssse3|avxvnni; ignored, using automatic choice (float32={Name(f)}, int8={Name(q)}).");
        if (Array.IndexOf(float32, pf) < 0 || Array.IndexOf(int8, pq) < 0)
            return (f, q, $"{EnvironmentVariable}={Name(pf)}:{Name(pq)} is not available on this CPU/build (float32 variants here: {Join(float32)}; int8: {Join(int8)}); ignored, using automatic choice (float32={Name(f)}, int8={Name(q)}).");
        return (pf, pq, $"{EnvironmentVariable}={Name(pf)}:{Name(pq)}: variants forced (float32={Name(pf)}, int8={Name(pq)}).");
    }

    /// <summary>The variant used by every float32 kernel's plain entry point.</summary>
    public static KernelVariant Float32 => float32Variant;

    /// <summary>The variant used by every int8 kernel's plain entry point (DotI8, MatVecI8, Quantize).</summary>
    public static KernelVariant Int8 => int8Variant;

    /// <summary>Float32 variants this process can run (always starts with Scalar).</summary>
    public static IReadOnlyList<KernelVariant> AvailableFloat32 => availableFloat32;

    /// <summary>Int8 variants this process can run (always starts with Scalar).</summary>
    public static IReadOnlyList<KernelVariant> AvailableInt8 => availableInt8;

    /// <summary>One line when EDGEATTN_KERNELS was set (forced, or why it was ignored); otherwise null.</summary>
    public static string? Notice => notice;

    /// <summary>True if float32 kernels can run <paramref name="variant"/> here.</summary>
    public static bool IsAvailableFloat32(KernelVariant variant) => Array.IndexOf(availableFloat32, variant) >= 0;

    /// <summary>True if int8 kernels can run <paramref name="variant"/> here.</summary>
    public static bool IsAvailableInt8(KernelVariant variant) => Array.IndexOf(availableInt8, variant) >= 0;

    /// <summary>Environment/CLI name of a variant: scalar, vector128, vector256, advsimd, dp, avx2, ssse3, avxvnni.</summary>
    public static string Name(KernelVariant variant) => variant switch
    {
        KernelVariant.Scalar => "scalar",
        KernelVariant.Vector128 => "vector128",
        KernelVariant.Vector256 => "vector256",
        KernelVariant.AdvSimd => "advsimd",
        KernelVariant.AdvSimdDp => "dp",
        KernelVariant.Avx2 => "avx2",
        KernelVariant.Ssse3 => "ssse3",
        KernelVariant.AvxVnni => "avxvnni",
        _ => "unknown",
    };

    /// <summary>Parses an environment/CLI name (case-insensitive; "advsimddp" is accepted for dp).</summary>
    public static bool TryParse(string text, out KernelVariant variant)
    {
        switch (text.ToLowerInvariant())
        {
            case "scalar": variant = KernelVariant.Scalar; return true;
            case "vector128": variant = KernelVariant.Vector128; return true;
            case "vector256": variant = KernelVariant.Vector256; return true;
            case "advsimd": variant = KernelVariant.AdvSimd; return true;
            case "dp": case "advsimddp": variant = KernelVariant.AdvSimdDp; return true;
            case "avx2": variant = KernelVariant.Avx2; return true;
            case "ssse3": variant = KernelVariant.Ssse3; return true;
            case "avxvnni": variant = KernelVariant.AvxVnni; return true;
            default: variant = KernelVariant.Scalar; return false;
        }
    }

    /// <summary>
    /// The instruction-set extensions this process may use, as the runtime (JIT or NativeAOT build) sees them —
    /// the single place the project asks; the device program's `info` and `selftest` print this list.
    /// </summary>
    public static IReadOnlyList<string> CpuFeatures()
    {
        var f = new List<string>();
        if (System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) f.Add("v128");
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) f.Add("v256");
        if (System.Runtime.Intrinsics.X86.Ssse3.IsSupported) f.Add("ssse3");
        if (System.Runtime.Intrinsics.X86.Sse42.IsSupported) f.Add("sse4.2");
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported) f.Add("avx");
        if (X86Avx2.IsSupported) f.Add("avx2");
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) f.Add("fma");
        if (X86AvxVnni.IsSupported) f.Add("avxvnni");
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) f.Add("avx512f");
        if (ArmAdvSimd.IsSupported) f.Add("advsimd");
        if (ArmAdvSimd.Arm64.IsSupported) f.Add("advsimd.arm64");
        if (ArmDp.IsSupported) f.Add("dotprod");
        if (System.Runtime.Intrinsics.Arm.Rdm.IsSupported) f.Add("rdm");
        if (System.Runtime.Intrinsics.Arm.Crc32.IsSupported) f.Add("crc32");
        return f;
    }

    /// <summary>
    /// One line for logs and the self-test: architecture, CPU features seen by the runtime, the chosen
    /// variants, the available ones and the EDGEATTN_KERNELS notice if any.
    /// </summary>
    public static string Describe()
    {
        string line = $"kernels: float32={Name(float32Variant)} int8={Name(int8Variant)}; available float32=[{Join(availableFloat32)}] int8=[{Join(availableInt8)}]; " +
                      $"cpu={System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} features=[{string.Join(',', CpuFeatures())}]";
        return notice is null ? line : line + "; " + notice;
    }

    /// <summary>Throws a one-line ArgumentException unless float32 kernels can run <paramref name="variant"/>.</summary>
    internal static void RequireFloat32(KernelVariant variant, string kernel)
    {
        if (!IsAvailableFloat32(variant)) ThrowUnavailable(variant, kernel, "float32", availableFloat32);
    }

    /// <summary>Throws a one-line ArgumentException unless int8 kernels can run <paramref name="variant"/>.</summary>
    internal static void RequireInt8(KernelVariant variant, string kernel)
    {
        if (!IsAvailableInt8(variant)) ThrowUnavailable(variant, kernel, "int8", availableInt8);
    }

    private static void ThrowUnavailable(KernelVariant variant, string kernel, string family, KernelVariant[] available) =>
        throw new ArgumentException(
            $"{kernel}: kernel variant '{Name(variant)}' cannot run {family} kernels on this CPU/build; use one of [{Join(available)}] (see KernelDispatch.Available{(family == "int8" ? "Int8" : "Float32")}).",
            nameof(variant));

    private static KernelVariant BestInt8(KernelVariant[] available)
    {
        ReadOnlySpan<KernelVariant> order = [KernelVariant.AdvSimdDp, KernelVariant.AdvSimd, KernelVariant.AvxVnni, KernelVariant.Avx2, KernelVariant.Ssse3, KernelVariant.Vector256, KernelVariant.Vector128];
        foreach (KernelVariant v in order)
            if (Array.IndexOf(available, v) >= 0) return v;
        return KernelVariant.Scalar;
    }

    private static string Join(KernelVariant[] variants)
    {
        var names = new string[variants.Length];
        for (int i = 0; i < variants.Length; i++) names[i] = Name(variants[i]);
        return string.Join(',', names);
    }
}
