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

    public static string Clock(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm:ss", Invariant);

    public static string Lag(ulong positions, double seconds) => $"{Count((long)Math.Min(positions, long.MaxValue))} ({Seconds(seconds)})";

    public static string Flush(int documents, TimeSpan duration, long flushes) =>
        flushes == 0 ? "none yet" : $"{Count(documents)} docs in {Milliseconds(duration)}";
}
