using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeAttention.Host.Platform;

/// <summary>
/// A serial device (tty) opened 8N1, raw, no flow control, at any baud rate, read and written through
/// poll(2)/read(2)/write(2) on a non-blocking descriptor. Nothing here allocates after <see cref="Open"/>: a read that
/// finds no bytes returns 0 (no timeout exception), a lost device returns −1. (System.IO.Ports' SerialPort.Read,
/// used before, allocated a request, a task and a timeout timer per call: about 20,000 calls/s on a fast link.)
/// Linux only (x64 and arm64 share every constant used here). The descriptor sits in a SafeFileHandle, so a reply
/// writer on another thread never writes to a closed (or reused) descriptor.
/// </summary>
internal sealed partial class SerialTty : IDisposable
{
    private readonly SafeFileHandle _handle;

    private SerialTty(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    public string Path { get; }

    /// <summary>errno of the last failed read or write (what made <see cref="Read"/> return −1).</summary>
    public int LastErrno { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> read/write, takes an exclusive lock (flock, as System.IO.Ports does), sets raw
    /// 8N1 at <paramref name="baud"/> (termios2 with BOTHER: any rate the driver supports) and clears DTR/RTS.
    /// Throws <see cref="SerialOpenException"/> with the errno and the step that failed.
    /// </summary>
    public static SerialTty Open(string path, int baud)
    {
        int fd = Native.open(path, Native.O_RDWR | Native.O_NOCTTY | Native.O_NONBLOCK | Native.O_CLOEXEC);
        if (fd < 0)
        {
            throw new SerialOpenException(SerialOpenStep.Open, Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Native.flock(fd, Native.LOCK_EX | Native.LOCK_NB) != 0)
            {
                throw new SerialOpenException(SerialOpenStep.Lock, Marshal.GetLastPInvokeError());
            }

            SetRaw8N1(fd, baud);

            // SerialPort's defaults (DtrEnable = RtsEnable = false); ptys and some drivers have no modem lines.
            int lines = Native.TIOCM_DTR | Native.TIOCM_RTS;
            _ = Native.ioctl(fd, Native.TIOCMBIC, ref lines);
            return new SerialTty(handle, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for bytes and reads what is there into <paramref name="buffer"/>.
    /// Returns the count (&gt; 0), 0 when nothing arrived (or a signal interrupted the wait), −1 when the device is
    /// gone (hang-up, EIO: unplugged adapter; <see cref="LastErrno"/> says why).
    /// </summary>
    public unsafe int Read(Span<byte> buffer, int timeoutMs)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int fd = (int)_handle.DangerousGetHandle();
            var pfd = new Native.PollFd { Fd = fd, Events = Native.POLLIN };
            int ready = Native.poll(&pfd, 1, timeoutMs);
            if (ready < 0)
            {
                return Fail(Marshal.GetLastPInvokeError());
            }

            if (ready == 0)
            {
                return 0;
            }

            if ((pfd.Revents & Native.POLLIN) == 0)
            {
                // POLLHUP/POLLERR/POLLNVAL without data: the device went away.
                LastErrno = Native.EIO;
                return -1;
            }

            fixed (byte* p = buffer)
            {
                nint n = Native.read(fd, p, buffer.Length);
                if (n > 0)
                {
                    return (int)n;
                }

                if (n == 0)
                {
                    LastErrno = Native.EIO; // end of file on a tty: hung up
                    return -1;
                }

                return Fail(Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> within <paramref name="timeoutMs"/>; false when the device did not take
    /// it in time (a peer that does not read, flow stopped) or failed. Safe to call while another thread reads.
    /// </summary>
    public unsafe bool Write(ReadOnlySpan<byte> data, int timeoutMs)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int fd = (int)_handle.DangerousGetHandle();
            long deadline = Environment.TickCount64 + timeoutMs;
            fixed (byte* p = data)
            {
                int done = 0;
                while (done < data.Length)
                {
                    nint n = Native.write(fd, p + done, data.Length - done);
                    if (n > 0)
                    {
                        done += (int)n;
                        continue;
                    }

                    int errno = n < 0 ? Marshal.GetLastPInvokeError() : Native.EAGAIN;
                    if (errno == Native.EINTR)
                    {
                        continue;
                    }

                    long left = deadline - Environment.TickCount64;
                    if (errno != Native.EAGAIN || left <= 0)
                    {
                        return false;
                    }

                    var pfd = new Native.PollFd { Fd = fd, Events = Native.POLLOUT };
                    if (Native.poll(&pfd, 1, (int)left) < 0 && Marshal.GetLastPInvokeError() != Native.EINTR)
                    {
                        return false;
                    }
                }

                return true;
            }
        }
        catch (ObjectDisposedException)
        {
            return false; // closed by the reader (device lost) while this reply waited
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    private int Fail(int errno)
    {
        if (errno is Native.EINTR or Native.EAGAIN)
        {
            return 0;
        }

        LastErrno = errno;
        return -1;
    }

    /// <summary>
    /// Raw mode (cfmakeraw), 8 data bits, no parity, 1 stop bit, receiver on, modem-control lines ignored, no
    /// hardware or software flow control, reads return what is there (VMIN = VTIME = 0), speed = baud for both
    /// directions through struct termios2 and BOTHER. A descriptor that is not a terminal fails here with ENOTTY.
    /// </summary>
    private static unsafe void SetRaw8N1(int fd, int baud)
    {
        var t = default(Native.Termios2);
        if (Native.ioctl(fd, Native.TCGETS2, ref t) != 0)
        {
            throw new SerialOpenException(SerialOpenStep.Configure, Marshal.GetLastPInvokeError());
        }

        t.Iflag &= ~(Native.IGNBRK | Native.BRKINT | Native.PARMRK | Native.ISTRIP | Native.INLCR | Native.IGNCR | Native.ICRNL
                     | Native.IXON | Native.IXOFF | Native.IXANY | Native.INPCK);
        t.Oflag &= ~Native.OPOST;
        t.Lflag &= ~(Native.ECHO | Native.ECHONL | Native.ICANON | Native.ISIG | Native.IEXTEN);
        t.Cflag &= ~(Native.CSIZE | Native.PARENB | Native.CSTOPB | Native.CRTSCTS | Native.CBAUD | Native.CIBAUD);
        t.Cflag |= Native.CS8 | Native.CREAD | Native.CLOCAL | Native.BOTHER;
        t.Cc[Native.VMIN] = 0;
        t.Cc[Native.VTIME] = 0;
        t.Ispeed = (uint)baud;
        t.Ospeed = (uint)baud;
        if (Native.ioctl(fd, Native.TCSETS2, ref t) != 0)
        {
            throw new SerialOpenException(SerialOpenStep.Configure, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>libc calls and Linux constants (identical on x86-64 and arm64: asm-generic ioctl and termbits).</summary>
    internal static unsafe partial class Native
    {
        private const string Lib = "libc";

        public const int O_RDWR = 0x2;
        public const int O_NOCTTY = 0x100;
        public const int O_NONBLOCK = 0x800;
        public const int O_CLOEXEC = 0x80000;
        public const int LOCK_EX = 2;
        public const int LOCK_NB = 4;

        public const int EINTR = 4;
        public const int EIO = 5;
        public const int EAGAIN = 11;
        public const int EACCES = 13;
        public const int EPERM = 1;
        public const int ENOENT = 2;
        public const int ENOTTY = 25;
        public const int EINVAL = 22;
        public const int EBUSY = 16;

        public const short POLLIN = 0x1;
        public const short POLLOUT = 0x4;

        /// <summary>_IOR('T', 0x2A, struct termios2) and _IOW('T', 0x2B, struct termios2): 44-byte struct.</summary>
        public const uint TCGETS2 = 0x802C542A;
        public const uint TCSETS2 = 0x402C542B;
        public const uint TIOCMBIC = 0x5417;
        public const int TIOCM_DTR = 0x002;
        public const int TIOCM_RTS = 0x004;

        // termbits (octal in the headers): c_iflag
        public const uint IGNBRK = 0x1, BRKINT = 0x2, PARMRK = 0x8, INPCK = 0x10, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80,
            ICRNL = 0x100, IXON = 0x400, IXANY = 0x800, IXOFF = 0x1000;

        // c_oflag
        public const uint OPOST = 0x1;

        // c_lflag
        public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;

        // c_cflag: CBAUD 0010017, BOTHER 0010000, CSIZE/CS8 0000060, CSTOPB 0100, CREAD 0200, PARENB 0400,
        // CLOCAL 04000, CRTSCTS 020000000000, CIBAUD 002003600000 (input speed; 0 = same as output)
        public const uint CBAUD = 0x100F, BOTHER = 0x1000, CSIZE = 0x30, CS8 = 0x30, CSTOPB = 0x40, CREAD = 0x80, PARENB = 0x100,
            CLOCAL = 0x800, CRTSCTS = 0x80000000, CIBAUD = 0x100F0000;

        public const int VTIME = 5;
        public const int VMIN = 6;

        /// <summary>struct termios2 (linux/termbits.h): 4 flag words, c_line, c_cc[19], c_ispeed, c_ospeed.</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct Termios2
        {
            public uint Iflag;
            public uint Oflag;
            public uint Cflag;
            public uint Lflag;
            public byte Line;
            public fixed byte Cc[19];
            public uint Ispeed;
            public uint Ospeed;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int open(string path, int flags);

        [LibraryImport(Lib, SetLastError = true)]
        public static partial int flock(int fd, int operation);

        [LibraryImport(Lib, SetLastError = true)]
        public static partial int ioctl(int fd, nuint request, ref Termios2 termios);

        [LibraryImport(Lib, SetLastError = true)]
        public static partial int ioctl(int fd, nuint request, ref int value);

        [LibraryImport(Lib, SetLastError = true)]
        public static partial int poll(PollFd* fds, nuint count, int timeoutMs);

        [LibraryImport(Lib, SetLastError = true)]
        public static partial nint read(int fd, byte* buffer, nint count);

        [LibraryImport(Lib, SetLastError = true)]
        public static partial nint write(int fd, byte* buffer, nint count);
    }
}

/// <summary>What <see cref="SerialTty.Open"/> was doing when it failed.</summary>
internal enum SerialOpenStep
{
    Open,
    Lock,
    Configure,
}

/// <summary>A serial device could not be opened: the step and the errno (the caller words the message).</summary>
internal sealed class SerialOpenException(SerialOpenStep step, int errno)
    : IOException($"{step}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public SerialOpenStep Step { get; } = step;

    public int Errno { get; } = errno;
}
