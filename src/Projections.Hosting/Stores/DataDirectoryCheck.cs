using Projections.Hosting.Settings;

namespace Projections.Hosting.Stores;

/// <summary>Makes sure the data directory exists (created owner-only, 0700) and is writable before SQLite opens files in it.</summary>
internal static class DataDirectoryCheck
{
    public static void EnsureUsable(string path)
    {
        var option = HostOptionCatalog.DataDirectory.Display;
        if (File.Exists(path))
            throw new HostUserException($"Data directory '{path}' given by {option} is a file, not a directory.");
        try
        {
            // Only the owner reads the events and projections; SQLite's files inside are then unreachable to others too.
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
            else if (!Directory.Exists(path)) Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new HostUserException($"Data directory '{path}' given by {option} is not usable: {e.Message}", e);
        }
    }
}
