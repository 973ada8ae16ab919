using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Device.Spi;
using EdgeAttention.Cli;
using EdgeAttention.Host.Cli;
using EdgeAttention.Host.Models;

namespace EdgeAttention.Host.Sources;

/// <summary>Builds the source named by a --source spec for a model taking <c>features</c> values per frame.</summary>
internal static class SourceFactory
{
    public static ISource Create(SourceSpec spec, int features, Func<GpioController> gpio, Stream stdin, EdgeAttention.Format.FrontendConfig? frontend = null)
    {
        ISource source = spec.Kind switch
        {
            "wav" or "pcm" => AudioSources.Create(spec, frontend, stdin),
            "serial" => new SerialSource(spec.Target, spec.Int("baud", 921600, 50, 16_000_000), features),
            "file" => CreateFile(spec, features),
            "stdin" => CreateStdin(spec, features, stdin),
            _ => CreateGpio(spec, features, gpio),
        };
        spec.RejectUnused();
        return source;
    }

    private static FileSource CreateFile(SourceSpec spec, int features)
    {
        double rate = spec.Double("rate", 0, 0, 1_000_000);
        if (!File.Exists(spec.Target))
        {
            throw new HostException($"frame file {spec.Target} not found; pass --source file:<path to a [T, {features}] .npy>", ExitCodes.Input);
        }

        float[] data = ModelLoader.ReadFrames(spec.Target, out int rows, out int cols);
        if (cols != features)
        {
            throw new HostException($"{spec.Target} has {cols} features per frame but the model takes {features}; give frames of shape [T, {features}]", 1);
        }

        return new FileSource(spec.Target, data, rows, cols, rate);
    }

    private static ISource CreateStdin(SourceSpec spec, int features, Stream stdin)
    {
        int given = spec.Int("features", features, 1, 1 << 20);
        if (given != features)
        {
            throw new HostException($"stdin frames have features={given} but the model takes {features}; send frames of {features} float32 values");
        }

        double rate = spec.Double("rate", 0, 0, 1_000_000);
        return spec.Target switch
        {
            "" or "raw" => new StdinSource(stdin, features, rate),
            "framed" when features <= SerialProtocol.MaxPayloadBytes / 4 => new FramedStdinSource(stdin, features, rate),
            "framed" => throw new HostException($"stdin:framed carries at most {SerialProtocol.MaxPayloadBytes / 4} values per frame but the model takes {features}; use raw stdin (--source stdin:raw)"),
            var t => throw new HostException($"unknown stdin format '{t}' in '{spec.Text}'; use stdin:framed (PROTOCOL.md frames, bad frames counted and skipped) or stdin:raw (bare float32)"),
        };
    }

    private static GpioSource CreateGpio(SourceSpec spec, int features, Func<GpioController> gpio)
    {
        int ready = spec.RequiredInt("ready", 0, 1023, "ready=17 (the BCM number of the data-ready pin)");
        var edge = spec.Option("edge") switch
        {
            null or "rising" => PinEventTypes.Rising,
            "falling" => PinEventTypes.Falling,
            var e => throw new HostException($"source option edge={e} must be rising or falling"),
        };
        ISensorReader sensor;
        try
        {
            sensor = spec.Target switch
            {
                "mcp3008" => new Mcp3008Reader(OpenSpi(spec), spec.Int("channels", Math.Min(8, features), 1, 8)),
                "ads1115" => new Ads1115Reader(OpenI2c(spec, 0x48), spec.Int("channels", Math.Min(4, features), 1, 4)),
                "mpu6050" => new Mpu6050Reader(OpenI2c(spec, 0x68), spec.Int("rate", 100, 4, 1000)),
                var s => throw new HostException($"unknown gpio sensor '{s}'; use mcp3008, ads1115 or mpu6050"),
            };
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new HostException($"the {spec.Target} did not answer ({e.Message}); check its wiring and bus/address (see the README section 'Deploying on a board')", 3);
        }

        return new GpioSource(gpio(), sensor, ready, features, edge, ownsController: false);
    }

    private static SpiDevice OpenSpi(SourceSpec spec)
    {
        string? bus = spec.Option("spi");
        int dot = bus?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (bus is null || dot <= 0 || !int.TryParse(bus.AsSpan(0, dot), out int busId) || !int.TryParse(bus.AsSpan(dot + 1), out int cs))
        {
            throw new HostException($"source '{spec.Text}' needs spi=BUS.CS, e.g. spi=0.0 for /dev/spidev0.0");
        }

        string path = $"/dev/spidev{busId}.{cs}";
        if (!File.Exists(path))
        {
            throw new HostException($"{path} not found: enable SPI (raspi-config → Interface Options → SPI, or dtparam=spi=on) and check spi=BUS.CS", 3);
        }

        try
        {
            return SpiDevice.Create(new SpiConnectionSettings(busId, cs) { ClockFrequency = 1_000_000, Mode = SpiMode.Mode0 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new HostException($"cannot open {path}: {e.Message}; add the user to the spi group", 3);
        }
    }

    private static I2cDevice OpenI2c(SourceSpec spec, int defaultAddress)
    {
        int bus = spec.RequiredInt("i2c", 0, 255, "i2c=1 for /dev/i2c-1");
        int address = spec.Int("address", defaultAddress, 0x03, 0x77);
        string path = $"/dev/i2c-{bus}";
        if (!File.Exists(path))
        {
            throw new HostException($"{path} not found: enable I2C (raspi-config → Interface Options → I2C, or dtparam=i2c_arm=on) and check i2c=BUS", 3);
        }

        try
        {
            return I2cDevice.Create(new I2cConnectionSettings(bus, address));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new HostException($"cannot open {path} address 0x{address:x2}: {e.Message}; add the user to the i2c group", 3);
        }
    }

    /// <summary>
    /// The board's GPIO controller through libgpiod (v1 API: libgpiod2 on Raspberry Pi OS Bookworm and Ubuntu
    /// 22.04 / JetPack 6) on /dev/gpiochip<c>chip</c>, falling back to sysfs. The driver is chosen explicitly:
    /// GpioController's automatic detection also roots the libgpiod v2 driver, which is not trim-safe.
    /// </summary>
    public static GpioController OpenBoardGpio() => OpenBoardGpio(0);

    public static GpioController OpenBoardGpio(int chip)
    {
        if (!File.Exists($"/dev/gpiochip{chip}"))
        {
            throw new HostException($"no GPIO controller on this machine (/dev/gpiochip{chip} missing): run on the board, or drop the gpio source and --alert-pin/--busy-pin", 3);
        }

        try
        {
            return new GpioController(new LibGpiodDriver(chip));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            try
            {
                return new GpioController(new SysFsDriver());
            }
            catch (Exception e2) when (e2 is IOException or InvalidOperationException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                throw new HostException($"cannot open /dev/gpiochip{chip} ({e.Message}): install libgpiod (apt-get install libgpiod2) and add the user to the gpio group", 3);
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw new HostException($"permission denied on /dev/gpiochip{chip}: add the user to the gpio group (sudo usermod -aG gpio $USER) and log in again", 3);
        }
    }
}
