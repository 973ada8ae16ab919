namespace EdgeAttention.Attention.Tests;

public class AllocationTests
{
    public static TheoryData<AttentionKind, LandmarkMode, bool> Variants()
    {
        var data = new TheoryData<AttentionKind, LandmarkMode, bool>();
        foreach (bool retro in new[] { false, true })
        {
            data.Add(AttentionKind.Softmax, LandmarkMode.Window, retro);
            data.Add(AttentionKind.Nystrom, LandmarkMode.Window, retro);
            data.Add(AttentionKind.Nystrom, LandmarkMode.Continual, retro);
            data.Add(AttentionKind.Nystrom, LandmarkMode.Fixed, retro);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void StepAllocatesNothing_AfterWarmup(AttentionKind kind, LandmarkMode mode, bool retro)
    {
        int n = 13, heads = 2, dh = 4;
        AttentionOptions o = Oracle.Options(n, heads, dh, kind, 4, mode, refresh: 16);
        StreamData s = StreamData.LargeScores(6 * n, heads, dh, 200, 3);   // exercises rebuilds and refreshes too
        var att = new ContinualAttention(o, retro);
        var output = new float[att.OutputLength];
        for (int t = 0; t < 2 * n; t++) att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 2 * n; t < s.Steps; t++) att.Step(s.Row(s.Q, t), s.Row(s.K, t), s.Row(s.V, t), output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(AttentionKind.Softmax, false)]
    [InlineData(AttentionKind.Softmax, true)]
    [InlineData(AttentionKind.Nystrom, false)]
    [InlineData(AttentionKind.Nystrom, true)]
    public void WindowComputeAllocatesNothing(AttentionKind kind, bool newestOnly)
    {
        int n = 12, heads = 2, dh = 4, d = heads * dh;
        AttentionOptions o = Oracle.Options(n, heads, dh, kind, 3, LandmarkMode.Window);
        StreamData s = StreamData.Random(n, d, 4);
        var w = new WindowAttention(o);
        var output = new float[newestOnly ? d : n * d];
        w.Compute(s.Q, s.K, s.V, output, newestOnly);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) w.Compute(s.Q, s.K, s.V, output, newestOnly);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
