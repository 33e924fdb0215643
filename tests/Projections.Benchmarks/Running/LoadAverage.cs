namespace Projections.Benchmarks.Running;

/// <summary>The one-minute load average (Linux), so a figure says how busy the shared machine was.</summary>
public static class LoadAverage
{
    public static string Now() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
