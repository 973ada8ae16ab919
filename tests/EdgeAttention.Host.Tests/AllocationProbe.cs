namespace EdgeAttention.Host.Tests;

/// <summary>
/// Bytes a piece of code allocates on the calling thread, for the zero-allocation tests of long reader loops (tens of
/// milliseconds while other tests run in parallel). GC.GetAllocatedBytesForCurrentThread can then report the unused
/// tail of this thread's allocation context (less than one <see cref="Quantum"/>) when the runtime retires it
/// meanwhile (seen as 880–8112 "allocated" bytes in about 1 run of 5 of the whole test project). An attempt
/// during which a collection ran is discarded; the tests assert less than one quantum for the whole run, which a
/// per-frame allocation (≥ 24 bytes × 20,000 frames) can never meet.
/// </summary>
internal static class AllocationProbe
{
    /// <summary>The allocation context size (8 KB): the most the artefact above can add.</summary>
    public const long Quantum = 8192;

    /// <summary>Each attempt calls <paramref name="prepare"/> (not measured) and measures the action it returns.</summary>
    public static long Measure(Func<Action> prepare, int attempts = 8)
    {
        long allocated = 0;
        for (int i = 0; i < attempts; i++)
        {
            var run = prepare();
            int collections = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (GC.CollectionCount(0) == collections || allocated == 0)
            {
                return allocated;
            }
        }

        return allocated;
    }
}
