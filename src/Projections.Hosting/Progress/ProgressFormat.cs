using System.Globalization;
using Projections.Core.Events;

namespace Projections.Hosting.Progress;

/// <summary>Number and time formats shared by both renderers (invariant culture, so output is stable).</summary>
public static class ProgressFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"12,345".</summary>
    public static string Count(long n) => n.ToString("N0", Invariant);

    /// <summary>Events per second: one decimal below 10, else a whole number.</summary>
    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.0" : "N0", Invariant);

    /// <summary>The position, or "-" when there is none.</summary>
    public static string Position(GlobalPosition? position) => position?.ToString() ?? "-";

    /// <summary>"0.3 s".</summary>
    public static string Seconds(double seconds) => seconds.ToString("0.0", Invariant) + " s";

    /// <summary>"4 ms".</summary>
    public static string Milliseconds(TimeSpan duration) => duration.TotalMilliseconds.ToString("0", Invariant) + " ms";

    /// <summary>"3d 02h", "2h 05m", "4m 10s", "12s": a span of either sign, by its magnitude.</summary>
    public static string Span(TimeSpan span)
    {
        var t = span.Duration();
        if (t.TotalDays >= 1) return $"{(long)t.TotalDays}d {t.Hours:00}h";
        if (t.TotalHours >= 1) return $"{t.Hours}h {t.Minutes:00}m";
        if (t.TotalMinutes >= 1) return $"{t.Minutes}m {t.Seconds:00}s";
        return $"{t.Seconds}s";
    }

    /// <summary>"14:03:09" (UTC).</summary>
    public static string Clock(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm:ss", Invariant);

    /// <summary>"10 (0.3 s)": positions and seconds behind.</summary>
    public static string Lag(ulong positions, double seconds) => $"{Count((long)Math.Min(positions, long.MaxValue))} ({Seconds(seconds)})";

    /// <summary>"118 docs in 4 ms", or "none yet".</summary>
    public static string Flush(int documents, TimeSpan duration, long flushes) =>
        flushes == 0 ? "none yet" : $"{Count(documents)} docs in {Milliseconds(duration)}";
}
