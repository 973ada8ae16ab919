namespace EdgeAttention.Kernels;

public static partial class MelFilterbank
{
    /// <summary>Reference: energies[b] = Σₖ weights[offsets[b] + k] · power[firstBin[b] + k], summed in order.</summary>
    internal static void ScalarCore(ReadOnlySpan<float> power, ReadOnlySpan<float> weights, ReadOnlySpan<int> firstBin, ReadOnlySpan<int> offsets, Span<float> energies)
    {
        for (int b = 0; b < energies.Length; b++)
        {
            int o = offsets[b], count = offsets[b + 1] - o, f = firstBin[b];
            float s = 0;
            for (int k = 0; k < count; k++) s += weights[o + k] * power[f + k];
            energies[b] = s;
        }
    }
}
