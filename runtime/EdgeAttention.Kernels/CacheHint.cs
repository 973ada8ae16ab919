using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EdgeAttention.Kernels;

/// <summary>
/// Cache hints: ask the CPU to start loading data that a later part of the step will read, so that the misses of
/// scattered rows overlap each other and the work in between instead of stalling one after another when the rows
/// are reached. A hint never changes a result and never faults (prefetching any address is harmless).
/// x64: <c>prefetcht0</c> per 64-byte line. Elsewhere (arm64: .NET has no PRFM intrinsic) a no-op.
/// </summary>
public static class CacheHint
{
    /// <summary>Bytes per cache line assumed (x64 and the Cortex-A cores: 64).</summary>
    public const int LineBytes = 64;

    /// <summary>True when <see cref="PrefetchRows{T}"/> issues prefetches on this CPU (x64), false when it is a no-op.</summary>
    public static bool IsActive => Sse.IsSupported;

    /// <summary>
    /// Prefetches <paramref name="rows"/> rows of <paramref name="rowLength"/> elements of <paramref name="data"/>, the
    /// first starting at element <paramref name="first"/>, each next one <paramref name="stride"/> elements further
    /// (e.g. one ring slot of every head: first = slot·d_h, stride = n·d_h). Throws when a row lies outside the span.
    /// </summary>
    public static void PrefetchRows<T>(ReadOnlySpan<T> data, int first, int rowLength, int stride, int rows) where T : unmanaged
    {
        if (rows <= 0 || rowLength <= 0) return;
        if (first < 0 || stride < 0 || (long)first + (long)stride * (rows - 1) + rowLength > data.Length)
            throw new ArgumentOutOfRangeException(nameof(rows), $"CacheHint.PrefetchRows: rows {first} + {rows} × {stride} of {rowLength} elements exceed the span's {data.Length}.");
        if (!Sse.IsSupported) return;
        PrefetchRowsCore(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(data)), (nint)first * Unsafe.SizeOf<T>(),
            (nint)rowLength * Unsafe.SizeOf<T>(), (nint)stride * Unsafe.SizeOf<T>(), rows);
    }

    private static unsafe void PrefetchRowsCore(ref byte start, nint first, nint rowBytes, nint strideBytes, int rows)
    {
        // The span's memory may move (a managed array): pin it for the few instructions that take its address.
        fixed (byte* p = &start)
        {
            byte* row = p + first;
            for (int r = 0; r < rows; r++, row += strideBytes)
            {
                // Every line the row touches: from its first byte, one per 64 bytes, and its last byte's line.
                for (nint o = 0; o < rowBytes; o += LineBytes) Sse.Prefetch0(row + o);
                Sse.Prefetch0(row + rowBytes - 1);
            }
        }
    }
}
