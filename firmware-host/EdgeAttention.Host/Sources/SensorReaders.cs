using System.Buffers.Binary;
using System.Device.I2c;
using System.Device.Spi;
using Iot.Device.Adc;
using Iot.Device.Ads1115;
using Iot.Device.Imu;

namespace EdgeAttention.Host.Sources;

/// <summary>Reads one sample (one value per channel) from a sensor after its data-ready edge.</summary>
internal interface ISensorReader : IDisposable
{
    string Name { get; }

    int Channels { get; }

    /// <summary>Fills sample[0..Channels).</summary>
    void Read(Span<float> sample);
}

/// <summary>MCP3008 10-bit ADC over SPI: channels 0..n−1 single-ended, value = code / 1023 (0..1 of Vref).</summary>
internal sealed class Mcp3008Reader : ISensorReader
{
    private readonly Mcp3008 _adc;

    public Mcp3008Reader(SpiDevice spi, int channels)
    {
        if (channels < 1 || channels > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "the MCP3008 has channels 0..7: use channels=1..8");
        }

        _adc = new Mcp3008(spi);
        Channels = channels;
    }

    public string Name => "mcp3008";

    public int Channels { get; }

    public void Read(Span<float> sample)
    {
        for (int c = 0; c < Channels; c++)
        {
            sample[c] = _adc.Read(c) / 1023f;
        }
    }

    public void Dispose() => _adc.Dispose();
}

/// <summary>ADS1115 16-bit ADC over I2C: AIN0..AINn−1 single-ended, ±4.096 V range, value = raw / 32768.</summary>
internal sealed class Ads1115Reader : ISensorReader
{
    private static readonly InputMultiplexer[] Inputs =
        [InputMultiplexer.AIN0, InputMultiplexer.AIN1, InputMultiplexer.AIN2, InputMultiplexer.AIN3];

    private readonly Ads1115 _adc;

    public Ads1115Reader(I2cDevice i2c, int channels)
    {
        if (channels < 1 || channels > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "the ADS1115 has inputs AIN0..AIN3: use channels=1..4");
        }

        _adc = new Ads1115(i2c, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS860, DeviceMode.PowerDown);
        Channels = channels;
    }

    public string Name => "ads1115";

    public int Channels { get; }

    public void Read(Span<float> sample)
    {
        for (int c = 0; c < Channels; c++)
        {
            sample[c] = _adc.ReadRaw(Inputs[c]) / 32768f;
        }
    }

    public void Dispose() => _adc.Dispose();
}

/// <summary>
/// MPU6050 IMU over I2C: 6 channels, acceleration x,y,z in m/s² (±2 g) then angular rate x,y,z in °/s (±250).
/// The Iot.Device.Bindings driver resets the chip, checks WHO_AM_I and sets the ranges; then the data-ready
/// interrupt is enabled (INT pin: active-high pulse per sample) at <c>sampleRateHz</c> = 1 kHz / (1 + SMPLRT_DIV)
/// with the 44 Hz low-pass filter (CONFIG.DLPF_CFG = 3). Each sample is one 14-byte burst read from ACCEL_XOUT_H
/// (accel, temperature, gyro; big-endian int16), scaled here: the binding's GetAccelerometer divides by
/// (1 + SMPLRT_DIV), which is only right at the full 1 kHz rate, and costs extra register reads per call.
/// (Register map: MPU-6000/6050 Register Map rev. 4.2, §4.)
/// </summary>
internal sealed class Mpu6050Reader : ISensorReader
{
    private const byte SmplrtDiv = 0x19;
    private const byte Config = 0x1A;
    private const byte IntPinCfg = 0x37;
    private const byte IntEnable = 0x38;
    private const byte AccelXoutH = 0x3B;
    private const float AccelScale = 2f * 9.807f / 32768f; // ±2 g full scale → m/s² per LSB
    private const float GyroScale = 250f / 32768f;         // ±250 °/s full scale → °/s per LSB

    private readonly I2cDevice _i2c;
    private readonly Mpu6050 _imu;

    public Mpu6050Reader(I2cDevice i2c, int sampleRateHz = 100)
    {
        if (sampleRateHz < 4 || sampleRateHz > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRateHz), "the MPU6050 rate with its low-pass filter is 4..1000 Hz");
        }

        _i2c = i2c;
        _imu = new Mpu6050(i2c);
        Write(Config, 3);
        Write(SmplrtDiv, (byte)(1000 / sampleRateHz - 1));
        Write(IntPinCfg, 0x10);  // INT_RD_CLEAR: any read clears the interrupt status
        Write(IntEnable, 0x01);  // DATA_RDY_EN
    }

    public string Name => "mpu6050";

    public int Channels => 6;

    public void Read(Span<float> sample)
    {
        Span<byte> reg = [AccelXoutH];
        Span<byte> raw = stackalloc byte[14];
        _i2c.WriteRead(reg, raw);
        for (int i = 0; i < 3; i++)
        {
            sample[i] = BinaryPrimitives.ReadInt16BigEndian(raw.Slice(2 * i)) * AccelScale;
            sample[3 + i] = BinaryPrimitives.ReadInt16BigEndian(raw.Slice(8 + 2 * i)) * GyroScale;
        }
    }

    public void Dispose() => _imu.Dispose();

    private void Write(byte register, byte value)
    {
        Span<byte> b = [register, value];
        _i2c.Write(b);
    }
}
