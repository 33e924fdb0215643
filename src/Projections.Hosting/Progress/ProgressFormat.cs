using System.Globalization;
using Projections.Core.Events;

namespace Projections.Hosting.Progress;

/// <summary>Number and time formats shared by both renderers (invariant culture, so output is stable).</summary>
public static class ProgressFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Count(long n) => n.ToString("N0", Invariant);

    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.0" : "N0", Invariant);

    public static string Position(GlobalPosition? position) => position?.ToString() ?? "-";

    public static string Seconds(double seconds) => seconds.ToString("0.0", Invariant) + " s";

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

    public static string Clock(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm:ss", Invariant);

    public static string Lag(ulong positions, double seconds) => $"{Count((long)Math.Min(positions, long.MaxValue))} ({Seconds(seconds)})";

    public static string Flush(int documents, TimeSpan duration, long flushes) =>
        flushes == 0 ? "none yet" : $"{Count(documents)} docs in {Milliseconds(duration)}";
}
