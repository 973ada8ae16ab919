namespace EdgeAttention.Host.Sources;

/// <summary>
/// Base of the sources: one dedicated reader thread running <see cref="Run"/>; any exception ends the stream
/// with a one-line error on the ring (never an unhandled crash on a background thread).
/// </summary>
internal abstract class ThreadedSource : ISource
{
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public abstract string Description { get; }

    public abstract int Features { get; }

    public virtual IReplyChannel? Replies => null;

    protected CancellationToken StopToken => _stop.Token;

    public abstract void Open();

    public void Start(FrameRing ring)
    {
        if (ring.Features != Features)
        {
            throw new ArgumentException($"ring holds {ring.Features} features, source produces {Features}");
        }

        _thread = new Thread(() => RunGuarded(ring))
        {
            IsBackground = true,
            Name = "edge-attention source",
            Priority = ThreadPriority.AboveNormal,
        };
        _thread.Start();
    }

    /// <summary>
    /// Asks the reader to stop and waits for it up to 0.5 s, once: a reader blocked in a read that only new input
    /// would end (idle stdin) is a background thread and is left behind rather than holding the exit.
    /// </summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _thread?.Join(500);
    }

    public virtual void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    /// <summary>Reads until the source ends or <see cref="StopToken"/> is cancelled.</summary>
    protected abstract void Run(FrameRing ring);

    private void RunGuarded(FrameRing ring)
    {
        try
        {
            Run(ring);
            ring.Complete();
        }
        catch (OperationCanceledException)
        {
            ring.Complete();
        }
        catch (Exception e)
        {
            ring.Complete($"{Description}: {e.Message}");
        }
    }
}
