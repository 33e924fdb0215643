using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Projections;
using Projections.Core.Replay;
using Projections.Core.Runtime;

namespace Projections.Core.Tests.Support;

/// <summary>An engine over in-memory stores and a fake clock; disposing stops it.</summary>
public sealed class Harness : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public InMemoryEventStore Events { get; }
    public InMemoryProjectionStore Store { get; }
    public FakeTimeProvider Time { get; }
    public ProjectionEngine Engine { get; private set; } = null!;
    public IProjection[] Projections { get; }
    /// <summary>Every line the engine logged.</summary>
    public global::Projections.Testing.Logging.RecordingLoggerFactory Logs { get; } = new();

    private Harness(IProjection[] projections, InMemoryEventStore? events, InMemoryProjectionStore? store, FakeTimeProvider? time)
    {
        Projections = projections;
        Time = time ?? new FakeTimeProvider(T0);
        Events = events ?? new InMemoryEventStore(Time);
        Store = store ?? new InMemoryProjectionStore();
    }

    public static ProjectionEngineOptions DefaultOptions => new()
    {
        Partitions = 4,
        WallClockAdvancesIdleStreamTime = false,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(40),
    };

    /// <summary>A harness whose engine is not started yet (append events first, then <see cref="Start"/>).</summary>
    public static Harness Create(params IProjection[] projections) => new(projections, null, null, null);

    public static async Task<Harness> Started(ProjectionEngineOptions? options, params IProjection[] projections)
    {
        var h = new Harness(projections, null, null, null);
        await h.Start(options);
        return h;
    }

    /// <summary>A second harness over the same stores and clock (a restart).</summary>
    public Harness Restarted(params IProjection[] projections) => new(projections.Length == 0 ? Projections : projections, Events, Store, Time);

    /// <summary>A restart over the same events and clock but another projection store (a state a crash could leave).</summary>
    public Harness Restarted(InMemoryProjectionStore store) => new(Projections, Events, store, Time);

    public async Task Start(ProjectionEngineOptions? options = null)
    {
        Engine = new ProjectionEngine(Events, Store, Projections, options ?? DefaultOptions, Time, Logs);
        await Engine.StartAsync(Cancel());
    }

    public IProjectionRuntime Runtime(string name = "counter") => Engine.Find(name)!;

    public AppendResult Append(string stream, object payload, DateTimeOffset? created = null, string? type = null) =>
        Events.AppendAt(stream, type ?? payload.GetType().Name, JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json), created ?? Time.GetUtcNow());

    public AppendResult AppendRaw(string stream, string type, string json) =>
        Events.AppendAt(stream, type, System.Text.Encoding.UTF8.GetBytes(json), Time.GetUtcNow());

    /// <summary>Waits until the projection's checkpoint reaches the last appended event.</summary>
    public async Task WaitForHead(string name = "counter")
    {
        var head = await Events.ReadHeadPosition(Cancel());
        await Runtime(name).WaitForCheckpoint(head, Cancel());
    }

    public async Task<List<RecordedEvent>> AllEvents()
    {
        var list = new List<RecordedEvent>();
        await foreach (var e in Events.ReadAllForward(null, Ports.EventFilter.All, Cancel())) list.Add(e);
        return list;
    }

    public Task<VerificationResult> Verify(IProjection projection, int? generation = null) =>
        ProjectionVerifier.Verify(projection, Events, Store, generation, Cancel());

    public async Task<Dictionary<string, string>> StoredStates(string projection, int generation = 1)
    {
        var result = new Dictionary<string, string>();
        await foreach (var d in Store.LoadAllDocuments(projection, generation, Cancel()))
            result[d.Key] = $"v{d.Version}@{d.Position} t={d.TimeoutAt:O} {System.Text.Encoding.UTF8.GetString(d.StateJson.Span)}";
        return result;
    }

    public static CancellationToken Cancel(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public async ValueTask DisposeAsync()
    {
        if (Engine is not null) await Engine.DisposeAsync();
    }
}
