using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Tests;

public class FrameRingTests
{
    private static float[] F2(float a) => [a, a + 0.5f];

    [Fact]
    public void Overrun_DropsTheOldestFrames_AndCountsThem()
    {
        var ring = new FrameRing(capacity: 4, features: 2);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(ring.Write(F2(i)));
        }

        Assert.Equal(4, ring.Count);
        Assert.Equal(6, ring.Counters.Dropped);
        Assert.Equal(10, ring.Counters.Received);
        var frame = new float[2];
        for (int i = 6; i < 10; i++)
        {
            Assert.Equal(RingRead.Frame, ring.Read(frame, out _, 0));
            Assert.Equal(F2(i), frame);
        }

        Assert.Equal(RingRead.Timeout, ring.Read(frame, out _, 0));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteFrames_AreRejectedAndCounted_NeverStored(float bad)
    {
        var ring = new FrameRing(capacity: 4, features: 2);
        ring.Write(F2(1));
        Assert.False(ring.Write([0f, bad]));
        ring.Write(F2(2));
        Assert.Equal(1, ring.Counters.Rejected);
        Assert.Equal(2, ring.Count);
        var frame = new float[2];
        ring.Read(frame, out _, 0);
        Assert.Equal(F2(1), frame);
        ring.Read(frame, out _, 0);
        Assert.Equal(F2(2), frame);
    }

    [Fact]
    public void WaitForSpace_BlocksTheProducer_InsteadOfDropping()
    {
        var ring = new FrameRing(capacity: 2, features: 2);
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                ring.Write(F2(i), waitForSpace: true);
            }

            ring.Complete();
        });
        producer.Start();
        var frame = new float[2];
        int expected = 0;
        while (ring.Read(frame, out _, 2000) == RingRead.Frame)
        {
            Assert.Equal(F2(expected++), frame);
        }

        producer.Join();
        Assert.Equal(50, expected);
        Assert.Equal(0, ring.Counters.Dropped);
    }

    [Fact]
    public void Complete_WakesAWaitingReader_AfterDraining()
    {
        var ring = new FrameRing(capacity: 2, features: 2);
        ring.Write(F2(3));
        ring.Complete("source gone");
        var frame = new float[2];
        Assert.Equal(RingRead.Frame, ring.Read(frame, out _, 0));
        Assert.Equal(RingRead.Completed, ring.Read(frame, out _, -1));
        Assert.Equal("source gone", ring.Error);
        Assert.False(ring.Write(F2(4)));
    }

    [Fact]
    public void WriteAndRead_AllocateNothing_EvenWhenOverrunning()
    {
        var ring = new FrameRing(capacity: 8, features: 2);
        var frame = new float[2];
        var input = F2(1);
        ring.Write(input);
        ring.Read(frame, out _, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ring.Write(input);
            if (i % 3 == 0)
            {
                ring.Read(frame, out _, 0);
            }
        }

        input[0] = float.NaN;
        ring.Write(input);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(ring.Counters.Dropped > 0);
    }
}
