namespace EdgeAttention.Host.Sources;

/// <summary>
/// A producer of frames. <see cref="Open"/> checks the device on the caller's thread (a missing device is a
/// <see cref="Cli.HostException"/> with a one-line fix); <see cref="Start"/> starts a reader thread that fills the
/// ring until the source ends (it then completes the ring) or <see cref="Stop"/> is called.
/// </summary>
internal interface ISource : IDisposable
{
    /// <summary>Human-readable name, e.g. "serial /dev/ttyUSB0 @ 921600".</summary>
    string Description { get; }

    /// <summary>Values per frame this source produces.</summary>
    int Features { get; }

    void Open();

    void Start(FrameRing ring);

    void Stop();

    /// <summary>The channel replies go back on (a serial port); null when the source cannot carry them.</summary>
    IReplyChannel? Replies { get; }
}
