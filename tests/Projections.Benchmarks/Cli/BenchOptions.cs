namespace Projections.Benchmarks.Cli;

/// <summary>Sizes of the scenario run. Defaults finish in a few minutes on 2 cores; <see cref="Smoke"/> in seconds.</summary>
public sealed record BenchOptions
{
    /// <summary>
    /// Items in flight in the plant simulator (a completed or abandoned item is replaced by a new one).
    /// With the default stations, items live for about 100 events, the size scenario 2 is specified at.
    /// </summary>
    public int Items { get; init; } = 350;
    /// <summary>Stations of the simulated plant; a route covers about half of them, so this sets the events per item.</summary>
    public int Stations { get; init; } = 600;
    /// <summary>Total events of the throughput workload.</summary>
    public int Events { get; init; } = 100_000;
    /// <summary>Rounds per scenario; variants alternate inside each round and medians are reported.</summary>
    public int Rounds { get; init; } = 3;
    /// <summary>Live aggregate counts measured by the memory scenario.</summary>
    public IReadOnlyList<int> MemoryAggregates { get; init; } = [100_000, 1_000_000];
    /// <summary>Cap of the eviction variant of the memory scenario.</summary>
    public int EvictionCap { get; init; } = 100_000;
    /// <summary>Partition counts scenario 1 runs the engine with, each a variant of its own; empty = the engine's default.</summary>
    public IReadOnlyList<int> Partitions { get; init; } = [];
    /// <summary>Append rate of the latency scenario.</summary>
    public int LatencyRate { get; init; } = 10_000;
    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The per-event projector stops after this long per round and reports its rate over the events it did.</summary>
    public TimeSpan PerEventBudget { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Only these scenarios (1-5); empty = all.</summary>
    public IReadOnlySet<int> Only { get; init; } = new HashSet<int>();
    /// <summary>An esdb:// connection string: scenarios 2, 3 and 5 run again with EventStoreDB as the event store.</summary>
    public string? EventStoreDb { get; init; }
    /// <summary>A mongodb:// connection string: scenarios 2, 3 and 5 run again with MongoDB as the projection store.</summary>
    public string? MongoDb { get; init; }
    /// <summary>An Npgsql connection string (or "throwaway"): scenarios 2, 3 and 5 run again with PostgreSQL as the projection store.</summary>
    public string? Postgres { get; init; }
    /// <summary>Write the markdown table here as well as to the console.</summary>
    public string? OutputFile { get; init; }
    public bool Smoke { get; init; }

    public bool Runs(int scenario) => Only.Count == 0 || Only.Contains(scenario);

    public static readonly BenchOptions SmokeDefaults = new()
    {
        Items = 20,
        Stations = 40,
        Events = 2_000,
        Rounds = 1,
        MemoryAggregates = [2_000],
        EvictionCap = 500,
        LatencyRate = 1_000,
        LatencyDuration = TimeSpan.FromSeconds(2),
        PerEventBudget = TimeSpan.FromSeconds(3),
        Smoke = true,
    };
}
