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

/// <summary>MPU6050 IMU over I2C: 6 channels, acceleration x,y,z in m/s² (±2 g) then angular rate x,y,z in °/s (±250).</summary>
internal sealed class Mpu6050Reader : ISensorReader
{
    private readonly Mpu6050 _imu;

    public Mpu6050Reader(I2cDevice i2c)
    {
        _imu = new Mpu6050(i2c);
    }

    public string Name => "mpu6050";

    public int Channels => 6;

    public void Read(Span<float> sample)
    {
        var a = _imu.GetAccelerometer();
        var g = _imu.GetGyroscopeReading();
        sample[0] = a.X;
        sample[1] = a.Y;
        sample[2] = a.Z;
        sample[3] = g.X;
        sample[4] = g.Y;
        sample[5] = g.Z;
    }

    public void Dispose() => _imu.Dispose();
}
