using System.Runtime.InteropServices;

namespace EdgeAttention.Host.Tests.Native;

/// <summary>
/// The few libc calls the serial tests need (pseudo-terminals, raw fd I/O, termios).
/// LibraryImport (source-generated, NativeAOT-safe). glibc ≥ 2.34 has openpty in libc itself (no libutil).
/// </summary>
internal static partial class LibC
{
    private const string Lib = "libc";

    /// <summary>openpty(3): a master/slave pseudo-terminal pair; name receives the slave path (buffer ≥ 64 bytes).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial int openpty(out int master, out int slave, byte* name, void* termios, void* winsize);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int close(int fd);

    /// <summary>kill(2): sends a signal to a process (the signal tests send SIGINT/SIGTERM to a child).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int kill(int pid, int signal);

    internal const int SIGINT = 2;
    internal const int SIGTERM = 15;

    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial int tcgetattr(int fd, byte* termios);

    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial int tcsetattr(int fd, int optionalActions, byte* termios);

    [LibraryImport(Lib)]
    internal static unsafe partial void cfmakeraw(byte* termios);

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    internal const short PollIn = 0x001;

    [LibraryImport(Lib, SetLastError = true)]
    internal static unsafe partial int poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary>struct termios is 60 bytes on Linux x64/arm64 glibc; a larger buffer is harmless.</summary>
    internal const int TermiosBufferBytes = 256;
}
