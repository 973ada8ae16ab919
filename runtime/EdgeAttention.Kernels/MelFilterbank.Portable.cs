namespace EdgeAttention.Kernels;

public static partial class MelFilterbank
{
    /// <summary>
    /// Each band's run is one vector dot product (<see cref="Dot.PortableCore{TW, TV}"/>: four accumulators, vector
    /// step, scalar tail). Vector128: (<see cref="W128"/>, Vector128&lt;float&gt;); Vector256: (<see cref="W256"/>, Vector256&lt;float&gt;).
    /// </summary>
    internal static void PortableCore<TW, TV>(ReadOnlySpan<float> power, ReadOnlySpan<float> weights, ReadOnlySpan<int> firstBin, ReadOnlySpan<int> offsets, Span<float> energies) where TW : struct, ISimd<TV> where TV : struct
    {
        for (int b = 0; b < energies.Length; b++)
        {
            int o = offsets[b], count = offsets[b + 1] - o;
            energies[b] = Dot.PortableCore<TW, TV>(weights.Slice(o, count), power.Slice(firstBin[b], count));
        }
    }
}
