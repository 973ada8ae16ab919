using EdgeAttention.Format;

namespace EdgeAttention.Format.Tests;

/// <summary>
/// The native block's lifetime: Dispose frees it at once without leases, otherwise disposing the last lease does; a
/// disposed file refuses tensor access and new leases (ObjectDisposedException) while leased pointers stay valid.
/// </summary>
public sealed unsafe class ModelFileLeaseTests
{
    private static ModelFile Open(bool int8 = false)
    {
        ModelConfig c = TestModels.Small();
        return ModelFile.FromBytes(ModelWriter.ToBytes(c, TestModels.Tensors(c, seed: 3, int8)));
    }

    [Fact]
    public void DisposeWithoutLeaseFreesTheBlockAndIsIdempotent()
    {
        ModelFile f = Open();
        Assert.False(f.IsFreed);
        f.Dispose();
        Assert.True(f.IsFreed);
        f.Dispose();
        Assert.True(f.IsFreed);
        Assert.Throws<ObjectDisposedException>(() => f.GetFloat32("classifier.bias").Length);
        Assert.Throws<ObjectDisposedException>(() => f.RawBytes.Length);
        Assert.Throws<ObjectDisposedException>(() => f.Lease());
    }

    [Fact]
    public void LeaseKeepsTheBlockAliveAfterDisposeUntilTheLastRelease()
    {
        ModelFile f = Open(int8: true);
        string name = f.Tensors[0].Name;
        float expected = f.GetFloat32("classifier.bias")[0];
        fixed (float* leased = f.GetFloat32("classifier.bias"))
        {
            ModelFileLease a = f.Lease();
            ModelFileLease b = f.Lease();
            Assert.Same(f, a.File);
            f.Dispose();
            Assert.False(f.IsFreed);
            Assert.Throws<ObjectDisposedException>(() => f.GetInt8("classifier.weight").Rows);
            Assert.Throws<ObjectDisposedException>(() => f.Lease());
            Assert.Equal(expected, leased[0]);   // the leased pointer still reads the weights
            Assert.True(f.Contains(name));       // metadata stays readable, as before
            a.Dispose();
            a.Dispose();                         // idempotent: one lease releases once
            Assert.False(f.IsFreed);
            Assert.Equal(expected, leased[0]);
            b.Dispose();
            Assert.True(f.IsFreed);
            Assert.Throws<ObjectDisposedException>(() => a.File);
        }
    }

    [Fact]
    public void ReleaseBeforeDisposeLeavesTheFileUsable()
    {
        using ModelFile f = Open();
        f.Lease().Dispose();
        Assert.False(f.IsFreed);
        Assert.Equal(f.Info("classifier.bias").ElementCount, f.GetFloat32("classifier.bias").Length);
    }

    [Fact]
    public void ConcurrentLeasesAndDisposeFreeTheBlockExactlyOnce()
    {
        for (int round = 0; round < 20; round++)
        {
            ModelFile f = Open();
            int refused = 0, sawFreed = 0;
            using var start = new Barrier(5);
            var workers = new Thread[4];
            for (int w = 0; w < workers.Length; w++)
            {
                workers[w] = new Thread(() =>
                {
                    start.SignalAndWait();
                    for (int i = 0; i < 2000; i++)
                    {
                        ModelFileLease lease;
                        try { lease = f.Lease(); }
                        catch (ObjectDisposedException) { Interlocked.Increment(ref refused); return; }
                        if (f.IsFreed) Interlocked.Increment(ref sawFreed);   // a held lease must see the block allocated
                        lease.Dispose();
                    }
                });
                workers[w].Start();
            }
            start.SignalAndWait();
            Thread.SpinWait(100 * round);
            f.Dispose();
            foreach (Thread t in workers) t.Join();
            Assert.Equal(0, sawFreed);
            Assert.True(f.IsFreed);
            Assert.Throws<ObjectDisposedException>(() => f.Lease());
        }
    }
}
