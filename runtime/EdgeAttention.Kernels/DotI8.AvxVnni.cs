using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

public static partial class DotI8
{
    /// <summary>
    /// x64 AVX-VNNI, 32 bytes per step. vpdpbusd multiplies unsigned by signed bytes, so x is offset into [0, 255]:
    /// x + 128 = x XOR 0x80 as a byte, and Σ x·y = Σ (x + 128)·y − 128·Σ y, with Σ y from a second vpdpbusd on a
    /// vector of ones. Both sums wrap around in int32 (vpdpbusd does not saturate), and the difference is the exact
    /// sum whenever it fits in int32 — for every x, y in [−128, 127], −128 included. Bit-identical with ScalarCore.
    /// Only called when AvxVnni.IsSupported (a runtime check in every x64 build).
    /// </summary>
    internal static int AvxVnniCore(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (!AvxVnni.IsSupported) return ScalarCore(x, y);
        int n = x.Length;
        ref sbyte xr = ref MemoryMarshal.GetReference(x);
        ref sbyte yr = ref MemoryMarshal.GetReference(y);
        Vector256<byte> offset = Vector256.Create((byte)0x80), ones = Vector256.Create((byte)1);
        Vector256<int> xy = Vector256<int>.Zero, sy = Vector256<int>.Zero;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            Vector256<sbyte> yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
            Vector256<byte> xu = Vector256.LoadUnsafe(ref xr, (nuint)i).AsByte() ^ offset;   // x + 128
            xy = AvxVnni.MultiplyWideningAndAdd(xy, xu, yv);
            sy = AvxVnni.MultiplyWideningAndAdd(sy, ones, yv);
        }
        int s = Vector256.Sum(xy - (sy << 7));
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }
}
