namespace EdgeAttention.Host.Sources;

/// <summary>A way back to the sender of the frames, for reply frames (PROTOCOL.md, kind 0x81).</summary>
internal interface IReplyChannel
{
    /// <summary>Writes buffer[0..count) as one reply; called on the inference thread, must not allocate.</summary>
    void WriteReply(byte[] buffer, int count);
}
