using EdgeAttention.Format;

namespace EdgeAttention.Model.Tests;

/// <summary>
/// Weights used in place: the session's weight regions lie in the model file's native block (no copy), its lease
/// keeps the block alive after the file is disposed, and disposing both frees the block.
/// </summary>
public sealed unsafe class SessionInPlaceTests
{
    private static ModelConfig Config(bool fixedLandmarks) => fixedLandmarks
        ? TestModels.Config(attention: AttentionKind.Nystrom, m: 3, mode: LandmarkMode.Fixed, layers: 2, norm: NormPlacement.Pre)
        : TestModels.Config(layers: 2);

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EveryWeightRegionIsTheFilesTensorInPlace(bool fixedLandmarks, bool int8)
    {
        ModelConfig c = Config(fixedLandmarks);
        using ModelFile file = SyntheticModel.Create(c, seed: 5, int8: int8);
        using var s = new Session(file, Execution.Continual);
        nint block;
        fixed (byte* start = file.RawBytes) block = (nint)start;
        // Expected: every tensor's data (and int8 scales) at block + its file offset, except the fixed landmarks,
        // which the attention options take as float[] copies.
        var expected = new HashSet<nint>();
        foreach (TensorInfo t in file.Tensors)
        {
            if (t.Name.Contains("landmarks_", StringComparison.Ordinal)) continue;
            expected.Add(block + (nint)t.DataOffset);
            if (t.DType == TensorDType.Int8) expected.Add(block + (nint)t.ScalesOffset);
        }
        var regions = s.WeightRegions().ToList();
        Assert.Equal(expected.Count, regions.Count);
        foreach ((string what, nint address, long bytes) in regions)
        {
            Assert.True(expected.Contains(address), $"{what} at 0x{address:X} is not a tensor of the file's block (copied?)");
            Assert.True(address + (nint)bytes <= block + (nint)file.FileBytes, $"{what} runs past the block");
            Assert.Equal(0, address % 64);
        }
    }

    [Theory]
    [InlineData(Execution.Continual, false)]
    [InlineData(Execution.Recompute, true)]
    public void SessionKeepsWorkingAfterTheFileIsDisposedAndFreesTheBlockOnDispose(Execution execution, bool int8)
    {
        ModelConfig c = Config(fixedLandmarks: true);
        byte[] bytes = SyntheticModel.CreateBytes(c, seed: 6, int8: int8);
        float[][] frames = TestModels.Frames(4 * c.Window, c.InputFeatures, seed: 7);
        float[][] expected;
        using (ModelFile reference = ModelFile.FromBytes(bytes))
        using (var r = new Session(reference, execution))
            expected = TestModels.Run(r, frames);

        ModelFile file = ModelFile.FromBytes(bytes);
        var a = new Session(file, execution);
        var b = new Session(file, execution);
        file.Dispose();
        Assert.False(file.IsFreed);
        Assert.Throws<ObjectDisposedException>(() => new Session(file, execution));
        Assert.Equal(expected, TestModels.Run(a, frames));
        a.Dispose();
        a.Dispose();   // idempotent: releases its lease once
        Assert.False(file.IsFreed);
        Assert.Equal(expected, TestModels.Run(b, frames));
        var logits = new float[b.Classes];
        long before = GC.GetAllocatedBytesForCurrentThread();
        int ready = 0;
        foreach (float[] frame in frames)
            if (b.Step(frame, logits) == StepStatus.Ready) ready++;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(frames.Length, ready);
        Assert.Equal(0, allocated);   // in-place weights: still 0 bytes per step
        b.Dispose();
        Assert.True(file.IsFreed);
        Assert.Throws<ObjectDisposedException>(() => a.Step(frames[0], new float[c.Classes.Count]));
    }

    [Fact]
    public void DisposingTheSessionFirstLeavesTheFileUsableThenDisposingItFreesTheBlock()
    {
        ModelConfig c = Config(fixedLandmarks: false);
        ModelFile file = SyntheticModel.Create(c, seed: 8);
        new Session(file).Dispose();
        Assert.False(file.IsFreed);
        using (var again = new Session(file))
            Assert.NotEmpty(TestModels.Run(again, TestModels.Frames(c.Window, c.InputFeatures, seed: 9)));
        file.Dispose();
        Assert.True(file.IsFreed);
    }

    [Fact]
    public void AZeroStdNeverReachesASession()
    {
        // input_norm.std = 0 used to pass the file format (finite) and fail only in the Session constructor; the
        // reader now refuses it, so `inspect`/`info` and `run` agree. Image written by hand (the writer refuses it too).
        ModelConfig c = Config(fixedLandmarks: false);
        byte[] bytes = SyntheticModel.CreateBytes(c, seed: 10);
        long offset;
        using (ModelFile good = ModelFile.FromBytes(bytes)) offset = good.Info(ModelTensors.InputNormStd).DataOffset;
        BitConverter.TryWriteBytes(bytes.AsSpan((int)offset + 8), 0f);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 8)));
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.FromBytes(bytes));
        Assert.Contains("'input_norm.std' element 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagedLoadBytesDoNotDependOnTheWeightsDType()
    {
        // Weights stay in the native block, so a float32 and an int8 session of one config allocate the same
        // managed bytes (arena, attention state, layer objects) up to small load-time objects (shape arrays of the
        // checks) and the int8 Linears' row sums (4 bytes per weight row, for the AVX-VNNI kernel), far less than the
        // 3 bytes per Linear weight a copy would differ by, and less than the weights.
        ModelConfig c = TestModels.Config(d: 64, heads: 4, ff: 256, layers: 2);
        using ModelFile f32 = SyntheticModel.Create(c, seed: 11);
        using ModelFile i8 = SyntheticModel.Create(c, seed: 11, int8: true);
        using var a = new Session(f32);
        using var b = new Session(i8);
        int linears = 4 * c.Layers + 2;
        long weightRows = c.Layers * (3L * c.DModel + c.DModel + c.FfDim + c.DModel) + c.DModel + c.Classes.Count;
        long rowSums = 4 * weightRows + 24 * linears;   // int[] per Linear: 4 bytes per row + the array header
        long difference = Math.Abs(a.LoadAllocatedBytes + rowSums - b.LoadAllocatedBytes);
        Assert.True(difference < 4096, $"float32 session allocated {a.LoadAllocatedBytes} bytes, int8 {b.LoadAllocatedBytes} (row sums {rowSums}): weights copied?");
        long weightBytes = 4 * f32.ParameterCount;
        Assert.True(a.LoadAllocatedBytes < weightBytes, $"session allocated {a.LoadAllocatedBytes} bytes, weights are {weightBytes}");
    }
}
