using PlantTracking.Events;

namespace PlantTracking.Tests.Support;

/// <summary>Compact builders for the plant's events in tests.</summary>
public static class Plant
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    public static PlannedStation[] Route(params string[] stations) =>
        stations.Select(s => new PlannedStation(s, TimeSpan.FromMinutes(5))).ToArray();

    public static ItemDetected Seen(string station, double minutes, string? previous = null, string? messageId = null, string item = "1") =>
        new(item, station, previous, At(minutes), messageId ?? $"m-{station}-{minutes}");
}
