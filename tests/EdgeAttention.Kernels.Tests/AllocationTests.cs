using EdgeAttention.Kernels;

namespace EdgeAttention.Kernels.Tests;

/// <summary>Every kernel entry point (dispatched and each explicit variant) allocates nothing: exact thread allocation deltas.</summary>
public class AllocationTests
{
    private const int Rows = 67, Cols = 131;
    private readonly float[] w = TestData.Floats(1, Rows * Cols), x = TestData.Floats(2, Cols), b = TestData.Floats(3, Rows);
    private readonly float[] y = new float[Rows], yc = new float[Cols], xr = TestData.Floats(4, Rows);
    private readonly float[] g = TestData.Floats(5, Cols), bt = TestData.Floats(6, Cols), c = new float[9 * 13];
    private readonly sbyte[] qw = TestData.Bytes(7, Rows * Cols), qx = TestData.Bytes(8, Cols);
    private readonly float[] sw = TestData.Floats(9, Rows, 0.01f, 0.02f);

    private void FloatCalls(KernelVariant v)
    {
        Dot.Compute(v, x, g);
        Axpy.Compute(v, 0.5f, x, yc);
        RowScale.Compute(v, x, 0.5f, yc);
        MatVec.Compute(v, w, x, b, y);
        MatVecTransposed.Compute(v, w, xr, yc);
        MatMul.Compute(v, w.AsSpan(0, 9 * 33), w.AsSpan(0, 33 * 13), c, 9, 33, 13);
        MatMul.ComputeTransposedB(v, w.AsSpan(0, 9 * 33), w.AsSpan(0, 13 * 33), c, 9, 33, 13);
        Softmax.Compute(v, x, yc);
        Softmax.ShiftedExp(v, x, 1f, yc);
        LayerNorm.Compute(v, x, g, bt, 1e-5f, yc);
        Activation.Gelu(v, x, yc);
        Activation.Relu(v, x, yc);
    }

    private void Int8Calls(KernelVariant v)
    {
        Quantize.Vector(v, x, qx);
        DotI8.Compute(v, qx, qx);
        MatVecI8.Compute(v, qw, sw, qx, 0.01f, b, y);
        MatVecI8.Compute(v, qw, sw, qx, 0.01f, [], y);
        Quantize.Weights(v, w, Rows, Cols, qw, sw);
    }

    private void DispatchedCalls()
    {
        Dot.Compute(x, g);
        Axpy.Compute(0.5f, x, yc);
        RowScale.Compute(x, 0.5f, yc);
        MatVec.Compute(w, x, b, y);
        MatVecTransposed.Compute(w, xr, yc);
        MatMul.Compute(w.AsSpan(0, 9 * 33), w.AsSpan(0, 33 * 13), c, 9, 33, 13);
        MatMul.ComputeTransposedB(w.AsSpan(0, 9 * 33), w.AsSpan(0, 13 * 33), c, 9, 33, 13);
        Softmax.Compute(x, yc);
        Softmax.ShiftedExp(x, 1f, yc);
        LayerNorm.Compute(x, g, bt, 1e-5f, yc);
        Activation.Gelu(x, yc);
        Activation.Relu(x, yc);
        float s = Quantize.Vector(x, qx);
        DotI8.Compute(qx, qx);
        MatVecI8.Compute(qw, sw, qx, s, b, y);
        Quantize.Weights(w, Rows, Cols, qw, sw);
    }

    /// <summary>
    /// Bytes allocated by 50 calls, after warm-up. The runtime itself may allocate on this thread while code is still
    /// being tiered up (call counting, generic instantiation), so the count is taken over several rounds and the
    /// smallest kept: a kernel that allocates does so in every round, so the minimum stays above zero for it.
    /// </summary>
    private static long Delta(Action body)
    {
        for (int i = 0; i < 200; i++) body();
        long min = long.MaxValue;
        for (int round = 0; round < 5 && min != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) body();
            min = Math.Min(min, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return min;
    }

    [Theory, MemberData(nameof(TestData.AllFloatVariants), MemberType = typeof(TestData))]
    public void FloatKernelsAllocateNothing(KernelVariant v)
    {
        Action body = () => FloatCalls(v);
        Assert.Equal(0, Delta(body));
    }

    [Theory, MemberData(nameof(TestData.AllInt8Variants), MemberType = typeof(TestData))]
    public void Int8KernelsAllocateNothing(KernelVariant v)
    {
        Action body = () => Int8Calls(v);
        Assert.Equal(0, Delta(body));
    }

    [Fact]
    public void DispatchedEntryPointsAllocateNothing()
    {
        Action body = DispatchedCalls;
        Assert.Equal(0, Delta(body));
    }
}
