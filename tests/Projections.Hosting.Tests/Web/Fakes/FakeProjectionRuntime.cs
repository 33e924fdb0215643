using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Hosting.Tests.Web.Fakes;

/// <summary>
/// An in-memory stand-in for an engine runtime so the web layer can be driven step by step:
/// the test decides when an entity changes, times out or is persisted.
/// </summary>
public sealed class FakeProjectionRuntime(IProjection projection) : IProjectionRuntime
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, LiveEntity> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredDocument> _stored = new(StringComparer.Ordinal);
    private readonly List<(string? Key, Action<EntityChange> OnChange)> _subscribers = [];
    private ulong _position;

    public string Name => projection.Name;
    public IProjection Projection => projection;
    public ProjectionStatus Status { get; set; } = ProjectionStatus.Live;
    public Exception? Error { get; set; }
    public RebuildProgress? Rebuild { get; set; }
    public IReadOnlyList<Lease> HeldLeases { get; set; } = [];
    public List<DeadLetter> DeadLetters { get; } = [];
    public ProjectionStats Stats { get; set; } = EmptyStats;

    public int SubscriberCount { get { lock (_gate) return _subscribers.Count; } }

    public static ProjectionStats EmptyStats => new()
    {
        Generation = 1, Checkpoint = null, Processed = null, Head = null, LagPositions = 0, LagSeconds = 0,
        EventsProcessed = 0, EventsPerSecond = 0, Flushes = 0, LastFlushDocuments = 0, LastFlushDuration = TimeSpan.Zero,
        LastFlushAt = null, DirtyAggregates = 0, LiveAggregates = 0, ParkedEvents = 0, StreamTime = null, UnflushedEvents = 0,
    };

    public ProjectionStats GetStats() => Stats;

    /// <summary>Applies an "event" to the entity (creating it), as the engine would after folding it.</summary>
    public void Apply(string key, string eventType, Func<object, object> change, DateTimeOffset? timeoutAt = null) =>
        Change(key, eventType, change, EntityChangeKind.Applied, timeoutAt);

    public void TimeOut(string key, Func<object, object> change) => Change(key, "$timeout", change, EntityChangeKind.TimedOut, null);

    public void Persist(string key)
    {
        EntityChange notification;
        lock (_gate)
        {
            var entity = _live[key] with { };
            entity = entity with { PersistedVersion = entity.Version };
            _live[key] = entity;
            _stored[key] = new StoredDocument(key, projection.SerializeState(entity.State), entity.Version, entity.Position, entity.TimeoutAt, DateTimeOffset.UtcNow);
            notification = new EntityChange(key, entity.Version, entity.PersistedVersion, entity.Position, EntityChangeKind.Persisted);
        }
        Notify(notification);
    }

    private void Change(string key, string eventType, Func<object, object> change, EntityChangeKind kind, DateTimeOffset? timeoutAt)
    {
        EntityChange notification;
        lock (_gate)
        {
            var position = GlobalPosition.Of(++_position);
            _live.TryGetValue(key, out var current);
            var version = (current?.Version ?? 0) + 1;
            var applied = new AppliedEvent(eventType, "item-" + key, (ulong)version - 1, position, DateTimeOffset.UtcNow, version);
            var recent = (current?.RecentEvents ?? []).Append(applied).TakeLast(5).ToArray();
            var entity = new LiveEntity(key, change(current?.State ?? projection.CreateInitialState(key)), version,
                current?.PersistedVersion ?? 0, position, timeoutAt, recent);
            _live[key] = entity;
            notification = new EntityChange(key, version, entity.PersistedVersion, position, kind);
        }
        Notify(notification);
    }

    private void Notify(EntityChange change)
    {
        List<Action<EntityChange>> targets;
        lock (_gate) targets = _subscribers.Where(s => s.Key is null || s.Key == change.Key).Select(s => s.OnChange).ToList();
        foreach (var target in targets) target(change);
    }

    /// <summary>How many times a live state was read (each stream message of a change reads it).</summary>
    public int LiveReads => Volatile.Read(ref _liveReads);
    private int _liveReads;

    public LiveEntity? GetLive(string key)
    {
        Interlocked.Increment(ref _liveReads);
        lock (_gate) return _live.GetValueOrDefault(key);
    }

    /// <summary>Field values and key parts match ignoring case, as the engine's query does (EmbeddedHostApiTests holds the engine to it).</summary>
    public EntityPage Query(EntityQuery query)
    {
        lock (_gate)
        {
            var matches = _live.Values.Where(e =>
                (query.KeyContains is null || e.Key.Contains(query.KeyContains, StringComparison.OrdinalIgnoreCase)) &&
                (query.Finished is not { } finished || (projection.Retirement?.IsFinished(e.State) ?? false) == finished) &&
                query.FieldEquals.All(f => string.Equals(projection.Fields.Single(d => d.Name == f.Key).Read(e.State), f.Value, StringComparison.OrdinalIgnoreCase))).ToList();
            return new EntityPage(matches.Count, matches.Skip(query.Skip).Take(query.Take).ToArray());
        }
    }

    /// <summary>Set: store reads throw as the engine's do while a projection is starting (no served generation yet).</summary>
    public bool NotStarted { get; set; }

    private void ThrowIfNotStarted()
    {
        if (NotStarted) throw new ProjectionUnavailableException($"Projection '{Name}' has not started.");
    }

    public Task<StoredDocument?> LoadPersisted(string key, CancellationToken cancellationToken)
    {
        ThrowIfNotStarted();
        lock (_gate) return Task.FromResult(_stored.GetValueOrDefault(key));
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(int skip, int take, CancellationToken cancellationToken)
    {
        ThrowIfNotStarted();
        return Task.FromResult<IReadOnlyList<DeadLetter>>(DeadLetters.Skip(skip).Take(take).ToArray());
    }

    public IDisposable SubscribeChanges(string? key, Action<EntityChange> onChange)
    {
        var entry = (key, onChange);
        lock (_gate) _subscribers.Add(entry);
        return new Unsubscriber(() => { lock (_gate) _subscribers.Remove(entry); });
    }

    public Task WaitForCheckpoint(GlobalPosition position, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Who asked to park, and the position they expected.</summary>
    public List<(string Actor, GlobalPosition? Expected)> ParkRequests { get; } = [];

    public Task<string> ParkAndContinue(string actor, GlobalPosition? expectedPosition, CancellationToken cancellationToken)
    {
        if (Status != ProjectionStatus.Stopped || Error is not ProjectionFailedException { Position: { } position })
            throw new InvalidOperationException($"Projection '{Name}' is not stopped on a poison event; there is nothing to park.");
        if (expectedPosition is { } expected && expected != position)
            throw new InvalidOperationException($"Projection '{Name}' stopped at the event at position {position}, not at position {expected}; nothing was parked.");
        ParkRequests.Add((actor, expectedPosition));
        Status = ProjectionStatus.Live;
        Error = null;
        return Task.FromResult($"the event at position {position}");
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
