using System.Diagnostics;
using Xunit;

namespace Projections.Sqlite.Tests.Outages;

/// <summary>
/// A tmpfs of a few megabytes mounted for one test, so the test can fill it and free it again.
/// Mounting needs root (tests run as root here and in CI); when it is impossible the test is skipped
/// with the reason mount gave, never passed.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string directory) => Directory = directory;

    public string Directory { get; }

    private string Filler => Path.Combine(Directory, "filler.bin");

    public static SmallFilesystem MountOrSkip(int megabytes)
    {
        var directory = Path.Combine(Path.GetTempPath(), "projections-small-fs", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", directory);
        if (code != 0)
        {
            System.IO.Directory.Delete(directory);
            Assert.Skip($"Cannot mount a {megabytes} MB tmpfs for the disk-full test (needs root and mount(8)): {output.Trim()}");
        }
        return new SmallFilesystem(directory);
    }

    /// <summary>Writes a file until the filesystem refuses with "no space left".</summary>
    public void Fill()
    {
        var chunk = new byte[16 * 1024];
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // ENOSPC: the filesystem is full
        }
    }

    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "-l", Directory);
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{file}: {e.Message}");
        }
    }
}
