using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>CacheHint.PrefetchRows: leaves data unchanged, allocates nothing, refuses rows outside the span.</summary>
public class CacheHintTests
{
    [Fact]
    public void PrefetchLeavesDataUnchangedAndAllocatesNothing()
    {
        double[] ring = new double[16 * 120 * 12];
        for (int i = 0; i < ring.Length; i++) ring[i] = i * 0.5;
        double[] copy = (double[])ring.Clone();
        float[] small = new float[3];
        CacheHint.PrefetchRows<double>(ring, 7 * 12, 12, 120 * 12, 16);   // warm-up (first call)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int slot = 0; slot < 120; slot++) CacheHint.PrefetchRows<double>(ring, slot * 12, 12, 120 * 12, 16);
        CacheHint.PrefetchRows<float>(small, 0, 3, 0, 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(copy, ring);
    }

    [Theory]
    [InlineData(-1, 4, 8, 2)]     // negative start
    [InlineData(0, 4, 8, 3)]      // the third row ends at 2·8 + 4 = 20 > 16
    [InlineData(13, 4, 0, 1)]     // one row past the end
    public void RowsOutsideTheSpanThrow(int first, int rowLength, int stride, int rows)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CacheHint.PrefetchRows<float>(new float[16], first, rowLength, stride, rows));
        Assert.Contains("CacheHint.PrefetchRows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyRequestsAreAccepted()
    {
        CacheHint.PrefetchRows<float>([], 0, 0, 0, 0);
        CacheHint.PrefetchRows<float>(new float[4], 0, 4, 4, 1);   // exactly the span
        Assert.Equal(System.Runtime.Intrinsics.X86.Sse.IsSupported, CacheHint.IsActive);
    }
}
