using Projections.Hosting.Settings;

namespace PlantTracking.App.Simulation;

/// <param name="Rate">Events per second; null = as fast as the store accepts.</param>
public sealed record SimulatorSettings(bool Enabled, int Items, int Stations, double? Rate, TimeSpan? Duration, long? TotalEvents, int? Seed);

/// <summary>The simulator's options (<c>Projections:Simulator:*</c>), added to the host's command line and help.</summary>
public static class SimulatorOptions
{
    public static readonly HostOption Simulate = new("simulate", "Projections:Simulator:Enabled", "true|false", "true",
        "With the embedded event store, `run` also appends the plant workload in-process.");
    public static readonly HostOption NoSimulate = new("no-simulate", "Projections:Simulator:Enabled", null, "",
        "Same as --simulate false.", FlagValue: "false");
    public static readonly HostOption Items = new("items", "Projections:Simulator:Items", "n", "200",
        "Simulated items in the plant at once (a finished item is replaced by a new one).");
    public static readonly HostOption Stations = new("stations", "Projections:Simulator:Stations", "n", "12",
        "Simulated stations.");
    public static readonly HostOption Rate = new("rate", "Projections:Simulator:Rate", "events/s|max", "500",
        "Simulator append rate; max appends as fast as the store accepts.");
    public static readonly HostOption Duration = new("duration", "Projections:Simulator:Duration", "duration", "(until stopped)",
        "Stop simulating after this long (e.g. 30s, 5m).");
    public static readonly HostOption TotalEvents = new("total-events", "Projections:Simulator:TotalEvents", "n", "(no limit)",
        "Stop simulating after appending this many events.");
    public static readonly HostOption Seed = new("seed", "Projections:Simulator:Seed", "n", "(random)",
        "Random seed of the simulator, for a repeatable workload.");

    public static IReadOnlyList<HostOption> All { get; } = [Simulate, NoSimulate, Items, Stations, Rate, Duration, TotalEvents, Seed];

    public static SimulatorSettings Read(IConfiguration configuration)
    {
        string? Get(HostOption option) => configuration[option.ConfigKey] is { } v && !string.IsNullOrWhiteSpace(v) ? v : null;
        return new SimulatorSettings(
            Enabled: Get(Simulate) is not { } s || ValueParsers.Bool(Simulate, s),
            Items: Get(Items) is { } i ? ValueParsers.Int(Items, i, 1, 10_000_000) : 200,
            Stations: Get(Stations) is { } st ? ValueParsers.Int(Stations, st, 2, 10_000) : 12,
            Rate: Get(Rate) is { } r ? ReadRate(r) : 500,
            Duration: Get(Duration) is { } d ? ValueParsers.Duration(Duration, d, TimeSpan.FromMilliseconds(1), TimeSpan.MaxValue) : null,
            TotalEvents: Get(TotalEvents) is { } t ? ValueParsers.Long(TotalEvents, t, 1, long.MaxValue) : null,
            Seed: Get(Seed) is { } sd ? ValueParsers.Int(Seed, sd, int.MinValue, int.MaxValue) : null);
    }

    private static double? ReadRate(string value) =>
        string.Equals(value.Trim(), "max", StringComparison.OrdinalIgnoreCase) ? null
        : double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate > 0 && double.IsFinite(rate) ? rate
        : throw ValueParsers.Invalid(Rate, value, "expected events per second (a number greater than 0) or max");
}
