using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Cli;
using Projections.Benchmarks.Scenarios;
using Projections.Benchmarks.Workload;

namespace Projections.Benchmarks.Running;

/// <summary>
/// Everything the scenarios share: the workloads (built once with the plant simulator) and the store
/// factories. Store-bound scenarios take a <see cref="Backend"/>, so another event store or projection
/// store is one more backend in <see cref="StoreBackends"/>.
/// </summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly BenchOptions _options;
    private readonly SqliteFiles _files = new();
    private readonly InMemoryEventStoreFactory _memoryEvents = new();
    private readonly InMemoryProjectionStoreFactory _memoryDocuments = new();

    private BenchEnvironment(BenchOptions options, Workload.Workload throughput, Workload.Workload latency)
    {
        _options = options;
        Throughput = throughput;
        Latency = latency;
    }

    /// <summary>Items × events-per-item of the plant simulator, for scenarios 1 to 3.</summary>
    public Workload.Workload Throughput { get; }
    /// <summary>
    /// A plant of the simulator's default size (about 10 events per item, cheap handlers), with enough events to
    /// append at the latency rate for the whole duration; scenarios 2b and 3b rerun 2 and 3 on it.
    /// </summary>
    public Workload.Workload Latency { get; }

    /// <summary>
    /// The same number of events as <see cref="Throughput"/> from items registered and detected once: handlers
    /// that cost almost nothing, so the engine's own per-event cost shows.
    /// </summary>
    public Workload.Workload LightHandlers { get; private set; } = null!;

    private EventStoreDbEventStoreFactory? _eventStoreDb;
    private MongoProjectionStoreFactory? _mongo;
    private PostgresProjectionStoreFactory? _postgres;

    /// <summary>SQLite always; EventStoreDB, MongoDB and PostgreSQL when their connection strings were given.</summary>
    public IReadOnlyList<Backend> StoreBackends
    {
        get
        {
            var sqliteEvents = new SqliteEventStoreFactory(_files);
            var sqliteDocuments = new SqliteProjectionStoreFactory(_files);
            var backends = new List<Backend> { new(sqliteEvents, sqliteDocuments) };
            if (_options.EventStoreDb is { } esdb) backends.Add(new(_eventStoreDb ??= new EventStoreDbEventStoreFactory(esdb), sqliteDocuments));
            if (_options.MongoDb is { } mongo) backends.Add(new(sqliteEvents, _mongo ??= new MongoProjectionStoreFactory(mongo)));
            if (_eventStoreDb is not null && _mongo is not null) backends.Add(new(_eventStoreDb, _mongo));
            if (_options.Postgres is { } postgres) backends.Add(new(sqliteEvents, _postgres ??= new PostgresProjectionStoreFactory(postgres)));
            return backends;
        }
    }

    public static async Task<BenchEnvironment> Create(BenchOptions options, CancellationToken ct)
    {
        var throughput = options.Runs(1) || options.Runs(2) || options.Runs(3)
            ? await PlantWorkload.Build(options.Items, options.Stations, options.Events, ct)
            : null;
        var latencyEvents = (int)(options.LatencyRate * options.LatencyDuration.TotalSeconds);
        // A plant with the simulator's own station count: latency is about the pipeline at a steady rate, not about
        // the long routes scenario 2 needs for 100 events per item (which make every apply several times dearer).
        var latency = options.Runs(2) || options.Runs(3) || options.Runs(5)
            ? await PlantWorkload.Build(options.Smoke ? options.Items : 1_000, new PlantTracking.Simulation.PlantSimulatorOptions().Stations, latencyEvents, ct)
            : null;
        var environment = new BenchEnvironment(options, throughput!, latency!);
        if (options.Runs(1))
            environment.LightHandlers = await RegisteredItems.Populate(new Core.InMemory.InMemoryEventStore(), Math.Max(1, options.Events / 2), options.Stations, ct);
        return environment;
    }

    public IEnumerable<IScenario> Scenarios()
    {
        var backends = StoreBackends;
        if (_options.Runs(1))
        {
            yield return new EngineVsRawFoldScenario("1a. In-memory engine vs raw fold (simulated plant)", Throughput, _memoryEvents, _memoryDocuments, _options.Rounds, _options.Partitions);
            yield return new EngineVsRawFoldScenario("1b. In-memory engine vs raw fold (light handlers)", LightHandlers, _memoryEvents, _memoryDocuments, _options.Rounds, _options.Partitions);
        }
        foreach (var backend in backends)
        {
            if (_options.Runs(2))
            {
                yield return new CoalescingVsPerEventScenario("2a", Throughput, backend, _options.Rounds, _options.PerEventBudget, judged: true);
                yield return new CoalescingVsPerEventScenario("2b", Latency, backend, _options.Rounds, _options.PerEventBudget, judged: false);
            }
            if (_options.Runs(3))
            {
                yield return new RebuildVsReadScenario("3a", Throughput, backend, _options.Rounds);
                yield return new RebuildVsReadScenario("3b", Latency, backend, _options.Rounds);
            }
        }
        if (_options.Runs(4))
            yield return new MemoryPerAggregateScenario(
                (n, store, ct) => RegisteredItems.Populate(store, n, _options.Stations, ct), _memoryEvents, _options.MemoryAggregates, _options.EvictionCap);
        if (_options.Runs(5))
            foreach (var backend in backends)
                yield return new LatencyScenario(Latency, backend, _options.LatencyRate, _options.LatencyDuration);
    }

    public async ValueTask DisposeAsync()
    {
        _files.Dispose();
        if (_eventStoreDb is not null) await _eventStoreDb.DisposeAsync();
        _mongo?.Dispose();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
