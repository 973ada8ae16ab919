using System.Buffers.Binary;
using System.Device.I2c;
using System.Device.Spi;

namespace EdgeAttention.Host.Tests.Fakes;

/// <summary>
/// An MCP3008 on a fake SPI bus, answering each 3-byte request (start bit, SGL/DIFF + channel bits 6..4) with
/// the next recorded 10-bit code for that channel.
/// </summary>
internal sealed class FakeMcp3008Spi : SpiDevice
{
    private readonly Func<int, int> _sample;

    /// <param name="sample">channel → next 10-bit code</param>
    public FakeMcp3008Spi(Func<int, int> sample)
    {
        _sample = sample;
    }

    public override SpiConnectionSettings ConnectionSettings { get; } = new(0, 0);

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        // Request: byte0 = 0000000S, byte1 = M C2 C1 C0 xxxx (MCP3008 datasheet, fig. 6-1).
        Assert.Equal(3, writeBuffer.Length);
        Assert.Equal(1, writeBuffer[0]);
        Assert.True((writeBuffer[1] & 0x80) != 0, "single-ended bit");
        int channel = (writeBuffer[1] >> 4) & 7;
        int code = _sample(channel) & 0x3FF;
        readBuffer[0] = 0;
        readBuffer[1] = (byte)(code >> 8);
        readBuffer[2] = (byte)code;
    }

    public override byte ReadByte() => 0;

    public override void Read(Span<byte> buffer) => buffer.Clear();

    public override void WriteByte(byte value)
    {
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
    }
}

/// <summary>
/// An MPU6050 on a fake I2C bus: a 128-byte register file (WHO_AM_I = 0x68); a write of [reg, data...] stores,
/// a write of [reg] then a read returns registers from reg on. <see cref="Load"/> puts a recorded sample
/// (raw accel x,y,z, gyro x,y,z, big-endian int16) into ACCEL_XOUT_H.. and GYRO_XOUT_H...
/// </summary>
internal sealed class FakeMpu6050I2c : I2cDevice
{
    private readonly byte[] _registers = new byte[128];
    private int _pointer;

    public FakeMpu6050I2c()
    {
        _registers[0x75] = 0x68; // WHO_AM_I
    }

    public override I2cConnectionSettings ConnectionSettings { get; } = new(1, 0x68);

    public byte Register(int register)
    {
        lock (_registers)
        {
            return _registers[register];
        }
    }

    public void Load(short ax, short ay, short az, short gx, short gy, short gz)
    {
        lock (_registers)
        {
            BinaryPrimitives.WriteInt16BigEndian(_registers.AsSpan(0x3B), ax);
            BinaryPrimitives.WriteInt16BigEndian(_registers.AsSpan(0x3D), ay);
            BinaryPrimitives.WriteInt16BigEndian(_registers.AsSpan(0x3F), az);
            BinaryPrimitives.WriteInt16BigEndian(_registers.AsSpan(0x43), gx);
            BinaryPrimitives.WriteInt16BigEndian(_registers.AsSpan(0x45), gy);
            BinaryPrimitives.WriteInt16BigEndian(_registers.AsSpan(0x47), gz);
        }
    }

    public override byte ReadByte()
    {
        lock (_registers)
        {
            return _registers[_pointer++ & 0x7F];
        }
    }

    public override void Read(Span<byte> buffer)
    {
        lock (_registers)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = _registers[(_pointer + i) & 0x7F];
            }
        }
    }

    public override void WriteByte(byte value) => _pointer = value & 0x7F;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_registers)
        {
            _pointer = buffer[0] & 0x7F;
            for (int i = 1; i < buffer.Length; i++)
            {
                int reg = (_pointer + i - 1) & 0x7F;
                // PWR_MGMT_1 reset bit self-clears
                _registers[reg] = reg == 0x6B ? (byte)(buffer[i] & 0x7F) : buffer[i];
            }
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }
}

/// <summary>
/// An ADS1115 on a fake I2C bus: 16-bit big-endian registers (0 conversion, 1 config, 2/3 thresholds). Every
/// config write starts a "conversion" of the selected input (MUX bits 14..12, 100 = AIN0 … 111 = AIN3) whose
/// result is <c>sample(channel)</c>; the config register always reads back with OS = 1 (conversion done).
/// </summary>
internal sealed class FakeAds1115I2c : I2cDevice
{
    private readonly ushort[] _registers = new ushort[4];
    private readonly Func<int, short> _sample;
    private int _pointer;
    private int _conversionsRead;

    public FakeAds1115I2c(Func<int, short> sample)
    {
        _sample = sample;
    }

    public int ConversionsRead => Volatile.Read(ref _conversionsRead);

    public override I2cConnectionSettings ConnectionSettings { get; } = new(1, 0x48);

    public override byte ReadByte() => throw new NotSupportedException();

    public override void Read(Span<byte> buffer)
    {
        ushort value = _pointer == 1 ? (ushort)(_registers[1] | 0x8000) : _registers[_pointer];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        if (_pointer == 0)
        {
            Interlocked.Increment(ref _conversionsRead);
        }
    }

    public override void WriteByte(byte value) => _pointer = value & 3;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pointer = buffer[0] & 3;
        if (buffer.Length < 3)
        {
            return;
        }

        _registers[_pointer] = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(1));
        if (_pointer == 1)
        {
            int mux = (_registers[1] >> 12) & 7;
            Assert.True(mux >= 4, "single-ended inputs only");
            _registers[0] = (ushort)_sample(mux - 4);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }
}
