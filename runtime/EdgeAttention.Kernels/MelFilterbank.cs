using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>
/// Sparse filterbank product: energies[b] = Σₖ weights[offsets[b] + k] · power[firstBin[b] + k],
/// k = 0 … offsets[b+1] − offsets[b] − 1. Each band b stores only its non-zero run of weights (a triangular mel
/// filter covers a few consecutive bins), so the cost is the number of non-zero weights, not bands × bins.
/// Shapes: firstBin [B], offsets [B + 1] (non-decreasing, offsets[0] = 0, offsets[B] = weights.Length), energies [B].
/// </summary>
public static partial class MelFilterbank
{
    /// <summary>Band energies with the dispatched float32 variant.</summary>
    public static void Apply(ReadOnlySpan<float> power, ReadOnlySpan<float> weights, ReadOnlySpan<int> firstBin, ReadOnlySpan<int> offsets, Span<float> energies)
    {
        Check(power, weights, firstBin, offsets, energies);
        Run(KernelDispatch.Float32, power, weights, firstBin, offsets, energies);
    }

    /// <summary>Band energies with an explicit variant.</summary>
    public static void Apply(KernelVariant variant, ReadOnlySpan<float> power, ReadOnlySpan<float> weights, ReadOnlySpan<int> firstBin, ReadOnlySpan<int> offsets, Span<float> energies)
    {
        KernelDispatch.RequireFloat32(variant, "MelFilterbank");
        Check(power, weights, firstBin, offsets, energies);
        Run(variant, power, weights, firstBin, offsets, energies);
    }

    private static void Check(ReadOnlySpan<float> power, ReadOnlySpan<float> weights, ReadOnlySpan<int> firstBin, ReadOnlySpan<int> offsets, Span<float> energies)
    {
        int bands = energies.Length;
        KernelChecks.Elements(firstBin.Length, bands, "MelFilterbank", "firstBin", "[B]");
        KernelChecks.Elements(offsets.Length, bands + 1L, "MelFilterbank", "offsets", "[B + 1]");
        if (offsets[0] != 0 || offsets[bands] != weights.Length)
            throw new ArgumentException($"MelFilterbank: offsets must start at 0 and end at weights.Length ({weights.Length}); got {offsets[0]} … {offsets[bands]}.");
        for (int b = 0; b < bands; b++)
        {
            int count = offsets[b + 1] - offsets[b];
            if (count < 0 || firstBin[b] < 0 || (long)firstBin[b] + count > power.Length)
                throw new ArgumentException($"MelFilterbank: band {b} (first bin {firstBin[b]}, {count} weights) does not fit the {power.Length} power bins or its offsets decrease; build the tables for this spectrum length.");
        }
    }

    private static void Run(KernelVariant variant, ReadOnlySpan<float> power, ReadOnlySpan<float> weights, ReadOnlySpan<int> firstBin, ReadOnlySpan<int> offsets, Span<float> energies)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableCore<W256, Vector256<float>>(power, weights, firstBin, offsets, energies); break;
            case KernelVariant.Vector128: PortableCore<W128, Vector128<float>>(power, weights, firstBin, offsets, energies); break;
            default: ScalarCore(power, weights, firstBin, offsets, energies); break;
        }
    }
}
