namespace EdgeAttention.Cli;

/// <summary>The exit codes of both programs (README): 0 ok, 1 model/input, 2 usage, 3 device.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A model or input file is missing, unreadable or does not match (also: a selftest mismatch).</summary>
    public const int Input = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary>A device (serial port, SPI/I2C bus, GPIO line) is missing, busy or not permitted.</summary>
    public const int Device = 3;
}
