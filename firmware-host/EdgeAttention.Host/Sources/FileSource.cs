namespace EdgeAttention.Host.Sources;

/// <summary>
/// Frames from a [T, F] float32 array (a .npy file read with EdgeAttention.Format.Npy), replayed at a given rate
/// (live semantics: the ring drops the oldest frame when inference falls behind) or, with rate 0, as fast as
/// inference takes them (lossless: the reader waits for ring space).
/// </summary>
internal sealed class FileSource : ThreadedSource
{
    private readonly float[] _data;
    private readonly int _rows;
    private readonly int _features;
    private readonly double _rate;
    private readonly string _name;

    public FileSource(string name, float[] data, int rows, int features, double rate)
    {
        if (data.Length < (long)rows * features)
        {
            throw new ArgumentException("data is shorter than rows × features");
        }

        _name = name;
        _data = data;
        _rows = rows;
        _features = features;
        _rate = rate;
    }

    public override string Description => _rate > 0 ? $"file {_name} at {_rate} frames/s" : $"file {_name}";

    public override int Features => _features;

    public int Rows => _rows;

    public override void Open()
    {
    }

    protected override void Run(FrameRing ring)
    {
        var pacer = new FramePacer(_rate);
        for (int t = 0; t < _rows; t++)
        {
            if (!pacer.WaitNext(StopToken))
            {
                return;
            }

            ring.Write(_data.AsSpan(t * _features, _features), waitForSpace: !pacer.Paced);
        }
    }
}
