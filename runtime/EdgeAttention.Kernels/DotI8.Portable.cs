using System.Runtime.InteropServices;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// Portable int8 dot, TW.BytesPerStep bytes per step (16 for <see cref="W128"/>, 32 for <see cref="W256"/>):
    /// sign-extend x and y to int16, multiply (int8·int8 always fits int16), sign-extend the products to int32 and
    /// accumulate in two vectors (<see cref="ISimd{TV}.DotI8Step"/>); scalar tail. Exact for any int8 input.
    /// </summary>
    internal static int PortableCore<TW, TV>(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y) where TW : struct, ISimd<TV> where TV : struct
    {
        int n = x.Length, step = TW.BytesPerStep;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        TV a0 = TW.Zero, a1 = a0;
        int i = 0;
        for (; i + step <= n; i += step) TW.DotI8Step(ref xr, ref yr, (nuint)i, ref a0, ref a1);
        int s = TW.SumI32(a0, a1);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
