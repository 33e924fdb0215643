using System.Text;
using System.Text.Json;
using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Core.Replay;

namespace Projections.Core.Testing;

/// <summary>
/// Unit-tests a projection without a database: give it events, move stream time, read the state or the
/// document of a key.
/// <code>
/// var scenario = new ProjectionScenario(new ItemsProjection());
/// scenario.Given("item-1", new ItemDetected("S1", start));
/// scenario.State&lt;Item&gt;("item-1").Station.Should().Be("S1");
/// scenario.AdvanceStreamTime(TimeSpan.FromMinutes(11));      // fires the timeouts that are due
/// scenario.State&lt;Item&gt;("item-1").Lost.Should().BeTrue();
/// </code>
/// Events are folded by the engine's reference fold, the one <c>verify</c> checks stored projections
/// against: the same filter, keys and fan-out, stream time, timers (fired before the first event stamped
/// at or after their deadline), idempotence by position and poison policy as the running engine, applied
/// one event at a time and synchronously. A handler that throws under <see cref="PoisonEventPolicy.Stop"/>
/// surfaces as a <see cref="Runtime.ProjectionFailedException"/> from <c>Given</c>; under
/// <see cref="PoisonEventPolicy.Park"/> the event is listed in <see cref="Parked"/>.
/// </summary>
public sealed class ProjectionScenario
{
    /// <summary>The default start of a scenario's clock: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly IProjection _projection;
    private readonly ProjectionReplayer _fold;
    private readonly Dictionary<string, ulong> _revisions = new(StringComparer.Ordinal);
    private readonly List<RecordedEvent> _events = [];
    private readonly JsonSerializerOptions _json;

    /// <param name="projection">The projection under test.</param>
    /// <param name="start">The recorded time of the first event unless one is given (default <see cref="DefaultStart"/>).</param>
    /// <param name="payloadJson">How payloads given as objects are written (default: web defaults, camelCase, as most producers write them).</param>
    public ProjectionScenario(IProjection projection, DateTimeOffset? start = null, JsonSerializerOptions? payloadJson = null)
    {
        _projection = projection ?? throw new ArgumentNullException(nameof(projection));
        _fold = new ProjectionReplayer(projection);
        Now = start ?? DefaultStart;
        _json = payloadJson ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>
    /// The scenario's clock: the recorded time given to events that name none. It moves forward with every
    /// event recorded later and with <see cref="AdvanceStreamTime(TimeSpan)"/>.
    /// </summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The projection's stream time: the highest event time seen, or the time stream time was advanced to; null before any event.</summary>
    public DateTimeOffset? StreamTime => _fold.ToResult().StreamTime;

    /// <summary>Every event given so far, with the positions and stream revisions they were given.</summary>
    public IReadOnlyList<RecordedEvent> Events => _events;

    /// <summary>The keys of the aggregates the events created, in ordinal order.</summary>
    public IReadOnlyList<string> Keys => _fold.ToResult().Aggregates.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The events parked under <see cref="PoisonEventPolicy.Park"/> (their positions, in order).</summary>
    public IReadOnlyList<GlobalPosition> Parked => _fold.ToResult().Parked;

    /// <summary>
    /// Appends <paramref name="payload"/> to <paramref name="stream"/> with the event type
    /// <paramref name="eventType"/> (default: the payload's class name, as <c>On&lt;TEvent&gt;</c> expects) and
    /// folds it. <paramref name="recorded"/> is the store's recorded time (default <see cref="Now"/>).
    /// </summary>
    public ProjectionScenario Given(string stream, object payload, DateTimeOffset? recorded = null, string? eventType = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), _json);
        return Append(stream, eventType ?? payload.GetType().Name, json, recorded);
    }

    /// <summary>Appends an event whose payload is given as JSON text (as in an <c>import</c> file) and folds it.</summary>
    public ProjectionScenario GivenJson(string stream, string eventType, string json, DateTimeOffset? recorded = null) =>
        Append(stream, eventType, Encoding.UTF8.GetBytes(json), recorded);

    /// <summary>Moves stream time forward by <paramref name="by"/> from the current stream time (or <see cref="Now"/> before any event) and fires the timeouts that are due.</summary>
    public ProjectionScenario AdvanceStreamTime(TimeSpan by) => AdvanceStreamTimeTo((StreamTime ?? Now) + by);

    /// <summary>
    /// Moves stream time to <paramref name="time"/> (never back) and fires the timeouts that are due, as the
    /// running engine does when the wall clock moves stream time in a quiet period.
    /// </summary>
    public ProjectionScenario AdvanceStreamTimeTo(DateTimeOffset time)
    {
        _fold.AdvanceStreamTime(time);
        if (time > Now) Now = time;
        return this;
    }

    /// <summary>True when an event created the aggregate <paramref name="key"/>.</summary>
    public bool Has(string key) => _fold.StateOf(key) is not null;

    /// <summary>The state of <paramref name="key"/> as the handlers returned it. Throws naming the known keys when no event created it.</summary>
    public TState State<TState>(string key) where TState : class =>
        _fold.StateOf(key) switch
        {
            null => throw new KeyNotFoundException(Missing(key)),
            TState state => state,
            var other => throw new InvalidCastException($"The state of '{key}' is a {other.GetType().Name}, not a {typeof(TState).Name}."),
        };

    /// <summary>The document the engine would store for <paramref name="key"/>. Throws naming the known keys when no event created it.</summary>
    public ScenarioDocument Document(string key)
    {
        if (!_fold.ToResult().Aggregates.TryGetValue(key, out var aggregate)) throw new KeyNotFoundException(Missing(key));
        var state = _fold.StateOf(key)!;
        var indexes = _projection.Fields.ToDictionary(f => f.Name, f => f.Read(state), StringComparer.Ordinal);
        return new ScenarioDocument(key, Encoding.UTF8.GetString(aggregate.StateJson), aggregate.Version, aggregate.Position, aggregate.TimeoutAt, indexes)
        {
            Projection = _projection,
        };
    }

    private ProjectionScenario Append(string stream, string eventType, byte[] data, DateTimeOffset? recorded)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        var created = recorded ?? Now;
        if (created > Now) Now = created;
        _revisions.TryGetValue(stream, out var revision);
        _revisions[stream] = revision + 1;
        var e = new RecordedEvent(stream, revision, GlobalPosition.Of((ulong)_events.Count + 1), Guid.NewGuid(), eventType, data, ReadOnlyMemory<byte>.Empty, created);
        _events.Add(e);
        _fold.Apply(e);
        return this;
    }

    private string Missing(string key)
    {
        var keys = Keys;
        return $"Projection '{_projection.Name}' has no aggregate '{key}'; " +
               (keys.Count == 0 ? "no event created one." : $"known: {string.Join(", ", keys.Take(20))}{(keys.Count > 20 ? ", ..." : "")}.");
    }
}
