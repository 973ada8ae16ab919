namespace EdgeAttention.Host.Tests;

/// <summary>A Stream that discards writes and counts bytes/lines: no allocation per write (for zero-alloc tests).</summary>
internal sealed class CountingStream : Stream
{
    public long Bytes;
    public long Lines;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Bytes;

    public override long Position { get => Bytes; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Bytes += buffer.Length;
        foreach (byte b in buffer)
        {
            if (b == (byte)'\n')
            {
                Lines++;
            }
        }
    }
}
