using System.Buffers.Binary;

namespace EdgeAttention.Host.Sources;

/// <summary>
/// Streaming decoder for <see cref="SerialProtocol"/> frames. Bytes are appended as they arrive (any split);
/// <see cref="TryDecode"/> yields complete, CRC-checked frames. Recovers from anything: bytes before a sync word
/// are skipped (counted as garbage), a frame with a bad header or CRC is counted as corrupted and the search
/// restarts one byte after its sync word, so a good frame that follows garbage or a damaged frame is still found.
/// A frame whose value count is not <c>expectedValues</c> counts as corrupted (rejected from its header, without
/// waiting for a payload that may never come). Gaps in the sequence numbers count as missing frames.
/// Fixed buffers only: no allocation after construction.
/// </summary>
internal sealed class SerialFrameDecoder
{
    /// <summary>A gap larger than this (or a step backwards) is taken as a sender restart, not as lost frames.</summary>
    public const uint MaxSequenceGap = 65536;

    private readonly byte[] _buffer = new byte[2 * SerialProtocol.MaxFrameBytes];
    private readonly int _expectedValues;
    private int _start;
    private int _end;
    private bool _haveSequence;
    private uint _expectedSequence;

    public SerialFrameDecoder(int expectedValues)
    {
        if (expectedValues < 1 || expectedValues > SerialProtocol.MaxPayloadBytes / 4)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedValues), $"frames of {expectedValues} values are outside 1..{SerialProtocol.MaxPayloadBytes / 4}");
        }

        _expectedValues = expectedValues;
    }

    public int ExpectedValues => _expectedValues;

    /// <summary>Frames decoded with a good CRC.</summary>
    public long Frames { get; private set; }

    /// <summary>Frames with a bad header, a bad CRC or the wrong value count.</summary>
    public long Corrupted { get; private set; }

    /// <summary>Sequence numbers never received (lost or corrupted frames).</summary>
    public long Missing { get; private set; }

    /// <summary>Frames (part of <see cref="Corrupted"/>) whose header announced the wrong value count.</summary>
    public long WrongLength { get; private set; }

    /// <summary>Value count announced by the last wrong-length frame (0 before one).</summary>
    public int LastWrongValues { get; private set; }

    /// <summary>Bytes skipped while searching for a sync word.</summary>
    public long GarbageBytes { get; private set; }

    /// <summary>Times the sequence went backwards or jumped by more than <see cref="MaxSequenceGap"/>.</summary>
    public long SequenceRestarts { get; private set; }

    /// <summary>Sequence number of the last frame returned by <see cref="TryDecode"/>.</summary>
    public uint LastSequence { get; private set; }

    /// <summary>Free space to read new bytes into (compacts first); call <see cref="Commit"/> with the count read.</summary>
    public Span<byte> GetFreeSpace() => GetFreeSegment().AsSpan();

    /// <summary>Same as <see cref="GetFreeSpace"/> for APIs that take (array, offset, count).</summary>
    public ArraySegment<byte> GetFreeSegment()
    {
        if (_start > 0 && (_end == _buffer.Length || _start >= SerialProtocol.MaxFrameBytes || _start == _end))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        return new ArraySegment<byte>(_buffer, _end, _buffer.Length - _end);
    }

    public void Commit(int count)
    {
        if (count < 0 || _end + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _end += count;
    }

    /// <summary>Appends bytes; returns how many fitted (call <see cref="TryDecode"/> until false, then append the rest).</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        var free = GetFreeSpace();
        int n = Math.Min(free.Length, data.Length);
        data.Slice(0, n).CopyTo(free);
        _end += n;
        return n;
    }

    /// <summary>
    /// Forgets buffered bytes (after a reconnect). The sequence expectation is kept, so frames the sender numbered
    /// while the port was gone count as missing when the next frame arrives (a sender restart, i.e. a step back
    /// or a gap above <see cref="MaxSequenceGap"/>, counts as a restart instead).
    /// </summary>
    public void Reset()
    {
        _start = _end = 0;
    }

    /// <summary>
    /// At the end of the input: drops what is left in the buffer. A started frame (from a sync word on) counts as
    /// corrupted (it was cut off), anything else as garbage. Returns true when a frame was cut off.
    /// </summary>
    public bool DiscardPartialFrame()
    {
        var data = _buffer.AsSpan(_start, _end - _start);
        int sync = FindSync(data);
        _start = _end = 0;
        if (sync < 0 || data.Length - sync < 2)
        {
            GarbageBytes += data.Length;
            return false;
        }

        GarbageBytes += sync;
        Corrupted++;
        return true;
    }

    /// <summary>
    /// Decodes the next complete frame into values[0..ExpectedValues) (values.Length ≥ ExpectedValues).
    /// Returns false when more bytes are needed.
    /// </summary>
    public bool TryDecode(Span<float> values)
    {
        while (true)
        {
            var data = _buffer.AsSpan(_start, _end - _start);
            int sync = FindSync(data);
            if (sync < 0)
            {
                // Keep a trailing first sync byte: its partner may be in the next read.
                int keep = data.Length > 0 && data[^1] == SerialProtocol.Sync0 ? 1 : 0;
                GarbageBytes += data.Length - keep;
                _start = _end - keep;
                return false;
            }

            GarbageBytes += sync;
            _start += sync;
            data = data.Slice(sync);
            if (data.Length < SerialProtocol.HeaderBytes)
            {
                return false;
            }

            byte version = data[2];
            byte kind = data[3];
            int payload = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(8));
            int valueBytes = kind == SerialProtocol.KindFloat32 ? 4 : kind == SerialProtocol.KindInt16 ? 2 : 0;
            if (version != SerialProtocol.Version || valueBytes == 0 || payload != _expectedValues * valueBytes)
            {
                if (version == SerialProtocol.Version && valueBytes != 0 && payload % valueBytes == 0)
                {
                    WrongLength++;
                    LastWrongValues = payload / valueBytes;
                }

                Corrupted++;
                _start += 1;
                continue;
            }

            int total = SerialProtocol.FrameBytes(payload);
            if (data.Length < total)
            {
                return false;
            }

            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(SerialProtocol.HeaderBytes + payload));
            if (crc != Crc32.Compute(data.Slice(2, SerialProtocol.HeaderBytes + payload - 2)))
            {
                Corrupted++;
                _start += 1;
                continue;
            }

            var body = data.Slice(SerialProtocol.HeaderBytes, payload);
            if (kind == SerialProtocol.KindFloat32)
            {
                for (int i = 0; i < _expectedValues; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(body.Slice(i * 4));
                }
            }
            else
            {
                float scale = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(10));
                for (int i = 0; i < _expectedValues; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt16LittleEndian(body.Slice(i * 2)) * scale;
                }
            }

            uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
            TrackSequence(sequence);
            _start += total;
            Frames++;
            LastSequence = sequence;
            return true;
        }
    }

    private void TrackSequence(uint sequence)
    {
        if (_haveSequence && sequence != _expectedSequence)
        {
            uint gap = unchecked(sequence - _expectedSequence);
            if (gap <= MaxSequenceGap)
            {
                Missing += gap;
            }
            else
            {
                SequenceRestarts++;
            }
        }

        _haveSequence = true;
        _expectedSequence = unchecked(sequence + 1);
    }

    private static int FindSync(ReadOnlySpan<byte> data)
    {
        int offset = 0;
        while (true)
        {
            int i = data.Slice(offset).IndexOf(SerialProtocol.Sync0);
            if (i < 0)
            {
                return -1;
            }

            i += offset;
            if (i + 1 >= data.Length)
            {
                return i; // possible sync split across reads: wait for the next byte
            }

            if (data[i + 1] == SerialProtocol.Sync1)
            {
                return i;
            }

            offset = i + 1;
        }
    }
}
