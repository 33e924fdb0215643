namespace Projections.Host.Cli;

/// <summary>Every option of the host, in the order the help lists them.</summary>
public static class HostOptionCatalog
{
    public const string Section = "Projections";

    public static readonly HostOption DataDirectory = new("data-dir", "Projections:DataDirectory", "path", "./data",
        "Directory of the embedded SQLite files (events.db, projections.db).");
    public static readonly HostOption EventStore = new("eventstore", "Projections:EventStore", "esdb://host:2113", "(none: embedded SQLite event store)",
        "Read events from EventStoreDB at this connection string instead of the embedded store.", Secret: true);
    public static readonly HostOption Mongo = new("mongo", "Projections:Mongo", "mongodb://host:27017", "(none: embedded SQLite projection store)",
        "Persist projections in MongoDB at this connection string instead of SQLite.", Secret: true);
    public static readonly HostOption MongoDatabase = new("mongo-database", "Projections:MongoDatabase", "name", "(the connection string's, else projections)",
        "MongoDB database used with --mongo.");
    public static readonly HostOption Postgres = new("postgres", "Projections:Postgres", "Host=...;Database=...", "(none: embedded SQLite projection store)",
        "Persist projections in PostgreSQL at this Npgsql connection string instead of SQLite (schema projections).", Secret: true);

    public static readonly HostOption Partitions = new("partitions", "Projections:Engine:Partitions", "n", "processor count",
        "Partition workers per projection.");
    public static readonly HostOption MaxBatchSize = new("max-batch-size", "Projections:Engine:MaxBatchSize", "n", "5000",
        "Most documents per store write; a larger flush is split before its checkpoint.");
    public static readonly HostOption MaxFlushInterval = new("max-flush-interval", "Projections:Engine:MaxFlushInterval", "duration", "1s",
        "Longest time a changed aggregate waits for a flush (e.g. 500ms, 2s, 00:00:01).");
    public static readonly HostOption MaxUnflushedEvents = new("max-unflushed-events", "Projections:Engine:MaxUnflushedEvents", "n", "200000",
        "The reader pauses while this many applied events are not persisted.");
    public static readonly HostOption MaxUnflushedBytes = new("max-unflushed-bytes", "Projections:Engine:MaxUnflushedBytes", "bytes", "268435456",
        "The reader pauses while unpersisted events' payloads exceed this size.");
    public static readonly HostOption MaxLiveAggregates = new("max-live-aggregates", "Projections:Engine:MaxLiveAggregates", "n", "(no cap)",
        "Cap on in-memory aggregates per projection; clean persisted ones are evicted first.");
    public static readonly HostOption WallClockAdvance = new("wall-clock-advance", "Projections:Engine:WallClockAdvance", "true|false", "true",
        "While the source is connected, caught up and idle, and its events are current, stream time follows the wall clock (up to now minus --allowed-lateness) so timeouts fire in a quiet period.");
    public static readonly HostOption AllowedLateness = new("allowed-lateness", "Projections:Engine:AllowedLateness", "duration", "5m",
        "How far behind the wall clock event times may be and still count as current; the wall clock never moves stream time past now minus this.");

    public static readonly HostOption LeaseTtl = new("lease-ttl", "Projections:Engine:LeaseTimeToLive", "duration", "10s",
        "Several hosts on one store: a standby takes over this long after the writing host stopped renewing (renewed every tenth of it).");

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

    public static readonly HostOption Urls = new("urls", "Projections:Web:Urls", "url[;url]", "http://127.0.0.1:5080",
        "Where the web API and dashboard listen (port 0 picks a free port).");
    public static readonly HostOption AdminToken = new("admin-token", "Projections:Web:AdminToken", "token", "(none: admin actions disabled)",
        "Bearer token required by the web API's admin actions (rebuild).", Secret: true);
    public static readonly HostOption Progress = new("progress", "Projections:Progress", "auto|live|plain|off", "auto",
        "Terminal progress: live table on a terminal, plain periodic lines otherwise (auto).");
    public static readonly HostOption ProgressInterval = new("progress-interval", "Projections:ProgressInterval", "duration", "1s live, 5s plain",
        "How often progress is printed.");

    public static IReadOnlyList<HostOption> All { get; } =
    [
        DataDirectory, EventStore, Mongo, MongoDatabase, Postgres,
        Partitions, MaxBatchSize, MaxFlushInterval, MaxUnflushedEvents, MaxUnflushedBytes, MaxLiveAggregates, WallClockAdvance, AllowedLateness, LeaseTtl,
        Simulate, NoSimulate, Items, Stations, Rate, Duration, TotalEvents, Seed,
        Urls, AdminToken, Progress, ProgressInterval,
    ];

    public static HostOption? Find(string name) => All.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));

    public static HostOption ForConfigKey(string key) => All.First(o => !o.IsFlag && string.Equals(o.ConfigKey, key, StringComparison.OrdinalIgnoreCase));
}
