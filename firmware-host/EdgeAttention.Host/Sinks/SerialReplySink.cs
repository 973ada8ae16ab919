using EdgeAttention.Host.Sources;

namespace EdgeAttention.Host.Sinks;

/// <summary>
/// Sends a reply frame (kind 0x81, see PROTOCOL.md) back on the reply channel (the serial port) after every step: sequence = step
/// (low 32 bits), payload = top class, class count, score, logits. Encoded into a preallocated buffer.
/// </summary>
internal sealed class SerialReplySink : ISink
{
    private readonly IReplyChannel _port;
    private readonly byte[] _buffer;

    public SerialReplySink(IReplyChannel port, int classes)
    {
        _port = port;
        _buffer = new byte[SerialProtocol.FrameBytes(8 + classes * 4)];
    }

    public void OnStep(in StepOutput o, ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities)
    {
        int n = SerialProtocol.EncodeReply(_buffer, unchecked((uint)o.Step), o.TopClass, o.Score, logits);
        _port.WriteReply(_buffer, n);
    }

    public void Dispose()
    {
    }
}
