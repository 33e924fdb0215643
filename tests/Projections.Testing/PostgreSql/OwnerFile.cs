namespace Projections.Testing.PostgreSql;

/// <summary>
/// Marks a throwaway server's folder with the test process that owns it: its pid and start time (from
/// /proc, so a recycled pid is not mistaken for the owner). A folder whose owner is gone was left by a
/// killed test run.
/// </summary>
internal static class OwnerFile
{
    public static void Write(string path) => File.WriteAllText(path, $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}");

    public static bool OwnerIsAlive(string path)
    {
        string[] parts;
        try { parts = File.ReadAllText(path).Split(' '); }
        catch (IOException) { return false; }
        return parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTime(pid) is { } started && started == parts[1];
    }

    /// <summary>Field 22 of /proc/pid/stat (start time in clock ticks since boot), or null when no such process runs.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[19];
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
