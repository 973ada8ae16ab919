using EdgeAttention.Kernels;
using Xunit.Abstractions;

namespace EdgeAttention.Kernels.Tests;

public class SelfTestTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryAvailableVariantPassesTheSelfTest()
    {
        output.WriteLine(KernelDispatch.Describe());
        IReadOnlyList<KernelCheckResult> results = KernelSelfTest.RunAll();
        foreach (KernelCheckResult r in results) output.WriteLine(r.ToString());
        int expected = 12 * (KernelDispatch.AvailableFloat32.Count - 1) + 5 * (KernelDispatch.AvailableInt8.Count - 1);
        Assert.Equal(expected, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
    }
}
