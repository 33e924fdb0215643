using System.Text;
using System.Text.Json;
using PlantTracking.Items;
using PlantTracking.Serialization;
using PlantTracking.Stations;
using Projections.Core;
using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;
using Projections.Testing;

namespace PlantTracking.Tests.Hostile;

/// <summary>
/// The embedded default end to end: both plant projections over a SQLite event store and a SQLite
/// projection store in a directory of their own. <see cref="Restart"/> starts a new engine over the same files.
/// </summary>
public sealed class PlantRun : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "projections-hostile", Guid.NewGuid().ToString("N"));
    private readonly PoisonEventPolicy? _onPoison;
    private ProjectionEngine? _engine;

    private PlantRun(PoisonEventPolicy? onPoison)
    {
        _onPoison = onPoison;
        Directory.CreateDirectory(_directory);
        Events = new SqliteEventStore(Path.Combine(_directory, "events.db"));
        Store = new SqliteProjectionStore(Path.Combine(_directory, "projections.db"));
    }

    /// <summary>Holds events.db and projections.db: the <c>--data-dir</c> of a command run beside this engine.</summary>
    public string DataDirectory => _directory;
    public SqliteEventStore Events { get; }
    public SqliteProjectionStore Store { get; }
    public IProjectionRuntime Items => _engine!.Find(PlantItemsProjection.ProjectionName)!;
    public IProjectionRuntime Stations => _engine!.Find(StationLoadProjection.ProjectionName)!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<PlantRun> Start(PoisonEventPolicy? onPoison = null)
    {
        var run = new PlantRun(onPoison);
        await run.Events.Initialize(Ct);
        await run.Restart();
        return run;
    }

    public async Task Restart()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        var options = new ProjectionEngineOptions { Partitions = 2, WallClockAdvancesIdleStreamTime = false, OnPoison = _onPoison };
        _engine = new ProjectionEngine(Events, Store, [new PlantItemsProjection(), new StationLoadProjection()], options);
        await _engine.StartAsync(Ct);
    }

    public Task<AppendResult> Append(string stream, string type, object payload, Guid? eventId = null) =>
        AppendRaw(stream, type, JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), PlantJsonContext.Default.Options), eventId);

    public Task<AppendResult> AppendRaw(string stream, string type, string json, Guid? eventId = null) =>
        AppendRaw(stream, type, Encoding.UTF8.GetBytes(json), eventId);

    private Task<AppendResult> AppendRaw(string stream, string type, byte[] data, Guid? eventId) =>
        Events.Append(stream, ExpectedRevision.Any, [new EventData(eventId ?? Guid.NewGuid(), type, data)], Ct);

    /// <summary>Waits until each projection has either checkpointed the head or stopped.</summary>
    public async Task Settle()
    {
        var head = await Events.ReadHeadPosition(Ct);
        foreach (var runtime in new[] { Items, Stations })
            await Eventually.Until(() => runtime.Status == ProjectionStatus.Stopped || runtime.GetStats().Checkpoint >= head,
                TimeSpan.FromSeconds(30), $"{runtime.Name} checkpoints {head} or stops", Ct);
    }

    public async Task<T?> Stored<T>(IProjectionRuntime runtime, string key)
    {
        var doc = await runtime.LoadPersisted(key, Ct);
        return doc is null ? default : JsonSerializer.Deserialize<T>(doc.StateJson.Span, PlantJsonContext.Default.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        Events.Dispose();
        Store.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
