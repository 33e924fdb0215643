using System.Runtime.InteropServices;

namespace Projections.Hosting.Tests.Support;

/// <summary>A named pipe: a test writes to it while a command reads it, to act between two of the command's steps.</summary>
internal static class Fifo
{
    public static void Create(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) throw new PlatformNotSupportedException("Named pipes here need a POSIX system.");
        if (MakeFifo(path, 0b110_000_000) != 0) throw new IOException($"mkfifo '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);
}
