using System.Runtime.InteropServices;
using System.Text;

namespace EdgeAttention.Host.Tests.Native;

/// <summary>
/// A pseudo-terminal pair in raw mode: whatever is written to <see cref="Write"/> (the master side) arrives at
/// <see cref="SlavePath"/> exactly as a serial device would deliver it, and what a program writes to the slave can be
/// read back with <see cref="Read"/>. Used by the serial tests.
/// </summary>
internal sealed class PseudoTerminal : IDisposable
{
    private int _master;
    private int _slave;

    public string SlavePath { get; }

    private PseudoTerminal(int master, int slave, string slavePath)
    {
        _master = master;
        _slave = slave;
        SlavePath = slavePath;
    }

    public static unsafe PseudoTerminal Open()
    {
        byte* name = stackalloc byte[256];
        byte* termios = stackalloc byte[LibC.TermiosBufferBytes];
        new Span<byte>(name, 256).Clear();
        int master, slave;
        if (LibC.openpty(out master, out slave, name, null, null) != 0)
        {
            throw new IOException($"openpty failed (errno {Marshal.GetLastPInvokeError()}): no pseudo-terminals available");
        }

        // Raw mode on the slave: no echo, no CR/LF translation, 8-bit clean — like a UART.
        if (LibC.tcgetattr(slave, termios) == 0)
        {
            LibC.cfmakeraw(termios);
            LibC.tcsetattr(slave, 0, termios);
        }

        var path = Encoding.ASCII.GetString(name, new ReadOnlySpan<byte>(name, 256).IndexOf((byte)0));
        return new PseudoTerminal(master, slave, path);
    }

    /// <summary>Writes all bytes to the master side (they appear as input on the slave).</summary>
    public unsafe void Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = LibC.write(_master, p + done, data.Length - done);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == 4 /* EINTR */ || errno == 11 /* EAGAIN */)
                    {
                        Thread.Sleep(1);
                        continue;
                    }

                    throw new IOException($"write to pseudo-terminal failed (errno {errno})");
                }

                done += (int)n;
            }
        }
    }

    /// <summary>Reads what the program wrote to the slave; 0 when nothing arrived within timeoutMs.</summary>
    public unsafe int Read(Span<byte> buffer, int timeoutMs)
    {
        var pfd = new LibC.PollFd { Fd = _master, Events = LibC.PollIn };
        if (LibC.poll(&pfd, 1, timeoutMs) <= 0 || (pfd.Revents & LibC.PollIn) == 0)
        {
            return 0;
        }

        fixed (byte* p = buffer)
        {
            nint n = LibC.read(_master, p, buffer.Length);
            return n < 0 ? 0 : (int)n;
        }
    }

    /// <summary>Closes our slave handle so only the program under test holds it (hang-ups become visible).</summary>
    public void CloseSlave()
    {
        if (_slave >= 0)
        {
            LibC.close(_slave);
            _slave = -1;
        }
    }

    /// <summary>Closes the master side: the slave device disappears, like a USB serial adapter being unplugged.</summary>
    public void Dispose()
    {
        CloseSlave();
        if (_master >= 0)
        {
            LibC.close(_master);
            _master = -1;
        }
    }
}
