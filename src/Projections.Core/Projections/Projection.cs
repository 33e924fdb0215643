using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.Projections;

/// <summary>
/// Base class of a projection: declare it in the constructor.
/// <code>
/// public sealed class ItemsProjection : Projection&lt;Item&gt;
/// {
///     public ItemsProjection() : base("items")
///     {
///         FromStreams("item-");
///         Initially(key =&gt; new Item(key));
///         On&lt;ItemDetected&gt;((item, e, ctx) =&gt; item with { Station = e.Station });
///     }
/// }
/// </code>
/// States should be immutable (records with <c>with</c>): the engine hands the current reference to
/// the flusher and to readers without copying it.
/// </summary>
public abstract class Projection<TState> : IProjection where TState : class
{
    private readonly Dictionary<string, IProjectionEventHandler> _handlers = new(StringComparer.Ordinal);
    private readonly List<string> _streamPrefixes = [];
    private readonly List<IndexDefinition> _indexes = [];
    private readonly List<ProjectionField> _fields = [];
    private readonly Dictionary<Type, Func<object, DateTimeOffset>> _eventTimes = [];
    private Func<string, TState>? _initial;
    private Func<TState, TimeoutContext, TState>? _onTimeout;
    private EventFilter? _filter;
    private JsonTypeInfo<TState>? _stateTypeInfo;
    private JsonWriterOptions? _writerOptions;

    protected Projection(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A projection needs a name.", nameof(name));
        Name = name;
    }

    public string Name { get; }
    public PoisonEventPolicy PoisonPolicy { get; protected set; } = PoisonEventPolicy.Stop;
    /// <summary>Options for payloads and state. Defaults to web defaults (camelCase). Set a source-generated resolver here for speed.</summary>
    protected JsonSerializerOptions JsonOptions { get; set; } = new(JsonSerializerDefaults.Web);

    public Type StateType => typeof(TState);
    public IReadOnlyList<IndexDefinition> Indexes => _indexes;
    public IReadOnlyList<ProjectionField> Fields => _fields;
    public bool HasTimeoutHandler => _onTimeout is not null;
    public RetirementRule? Retirement { get; private set; }

    public EventFilter Filter => _filter ??= new EventFilter
    {
        StreamPrefixes = _streamPrefixes.ToArray(),
        EventTypes = _handlers.Keys.Order(StringComparer.Ordinal).ToArray(),
    };

    /// <summary>Only events from streams whose id starts with one of these prefixes.</summary>
    protected void FromStreams(params string[] prefixes) { _streamPrefixes.AddRange(prefixes); _filter = null; }

    /// <summary>The state of an aggregate before its first event.</summary>
    protected void Initially(Func<string, TState> create) => _initial = create;

    /// <summary>Handles <typeparamref name="TEvent"/> (event type name = the class name) for the aggregate keyed by the stream id.</summary>
    protected HandlerOptions<TEvent> On<TEvent>(Func<TState, TEvent, EventContext, TState> apply) => On(typeof(TEvent).Name, apply);

    protected HandlerOptions<TEvent> On<TEvent>(Func<TState, TEvent, TState> apply) => On<TEvent>((s, e, _) => apply(s, e));

    /// <summary>Handles events of type <paramref name="eventType"/> deserialized as <typeparamref name="TEvent"/>.</summary>
    protected HandlerOptions<TEvent> On<TEvent>(string eventType, Func<TState, TEvent, EventContext, TState> apply)
    {
        var handler = new Handler<TEvent>(this, eventType, apply);
        if (!_handlers.TryAdd(eventType, handler))
            throw new InvalidOperationException($"Projection '{Name}' handles event type '{eventType}' twice.");
        _filter = null;
        return new HandlerOptions<TEvent>(handler);
    }

    /// <summary>Called when an aggregate's timeout fires (stream time reached its deadline).</summary>
    protected void OnTimeout(Func<TState, TimeoutContext, TState> apply) => _onTimeout = apply;

    /// <summary>
    /// Retires finished aggregates: once <paramref name="finished"/> has held for <paramref name="after"/> of
    /// stream time and the aggregate is persisted, it leaves memory and comes back (read from the store)
    /// only if another event arrives. The stored documents are unchanged; a retired aggregate's pending
    /// timeout still fires from the store.
    /// </summary>
    protected void RetireWhen(Func<TState, bool> finished, TimeSpan after)
    {
        ArgumentNullException.ThrowIfNull(finished);
        if (after < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(after), after, $"Projection '{Name}': RetireWhen needs a delay of zero or more.");
        Retirement = new RetirementRule(s => finished((TState)s), after);
    }

    /// <summary>Uses a payload field of <typeparamref name="TEvent"/> as the event time (for stream time), instead of the recorded time.</summary>
    protected void EventTimeFrom<TEvent>(Func<TEvent, DateTimeOffset> read) => _eventTimes[typeof(TEvent)] = p => read((TEvent)p);

    /// <summary>Declares a field of the state that stores index and the entity browser filters on.</summary>
    /// <param name="field">The field's name as serialized (camelCase), e.g. "status".</param>
    protected void Index(string field, Func<TState, object?> read)
    {
        _indexes.Add(new IndexDefinition(field));
        _fields.Add(new ProjectionField(field, s => read((TState)s)?.ToString()));
    }

    public bool TryGetHandler(string eventType, out IProjectionEventHandler handler) =>
        _handlers.TryGetValue(eventType, out handler!);

    public object CreateInitialState(string key) =>
        (_initial ?? throw new InvalidOperationException($"Projection '{Name}' has no initial state: call Initially(...) in its constructor."))(key);

    public object ApplyTimeout(object state, TimeoutContext context) =>
        _onTimeout is null ? state : _onTimeout((TState)state, context);

    public byte[] SerializeState(object state) => JsonSerializer.SerializeToUtf8Bytes((TState)state, StateTypeInfo);

    public void SerializeState(object state, IBufferWriter<byte> output)
    {
        // One writer per thread and projection, reset onto each output: a flush serializes thousands of states.
        var writer = t_stateWriter is { Owner: var owner, Writer: var cached } && ReferenceEquals(owner, this) ? cached : null;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, _writerOptions ??= WriterOptions(JsonOptions));
            t_stateWriter = (this, writer);
        }
        else writer.Reset(output);
        try { JsonSerializer.Serialize(writer, (TState)state, StateTypeInfo); }
        finally { writer.Reset(Stream.Null); } // let go of the output: the cache must not keep a flush's buffer alive
    }

    [ThreadStatic] private static (Projection<TState> Owner, Utf8JsonWriter Writer)? t_stateWriter;

    /// <summary>What <see cref="JsonSerializer.SerializeToUtf8Bytes{TValue}(TValue, JsonTypeInfo{TValue})"/> writes with, so both give the same bytes.</summary>
    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        SkipValidation = true,
    };

    public object DeserializeState(ReadOnlyMemory<byte> json) =>
        JsonSerializer.Deserialize(json.Span, StateTypeInfo) ?? throw new JsonException($"Projection '{Name}': stored state is null.");

    private JsonTypeInfo<TState> StateTypeInfo => _stateTypeInfo ??= (JsonTypeInfo<TState>)TypeInfo(typeof(TState));

    /// <summary>Metadata for a payload or state type; options without a resolver get the reflection-based default.</summary>
    private JsonTypeInfo TypeInfo(Type type)
    {
        if (!JsonOptions.IsReadOnly) JsonOptions.MakeReadOnly(populateMissingResolver: true);
        return JsonOptions.GetTypeInfo(type);
    }

    /// <summary>Fluent options of one handler.</summary>
    public sealed class HandlerOptions<TEvent>
    {
        private readonly Handler<TEvent> _handler;
        internal HandlerOptions(Handler<TEvent> handler) => _handler = handler;

        /// <summary>Applies the event to the aggregate whose key is read from the payload (instead of the stream id).</summary>
        public HandlerOptions<TEvent> KeyBy(Func<TEvent, string> key) { _handler.Keys = (e, _, list) => list.Add(key(e)); return this; }

        /// <summary>Applies the event to several aggregates (for example the station it left and the station it reached).</summary>
        public HandlerOptions<TEvent> KeysBy(Func<TEvent, IEnumerable<string>> keys) { _handler.Keys = (e, _, list) => list.AddRange(keys(e)); return this; }

        /// <summary>Derives the key from the recorded event alone (no deserialization before routing).</summary>
        public HandlerOptions<TEvent> KeyByEvent(Func<RecordedEvent, string> key) { _handler.EnvelopeKey = key; return this; }
    }

    internal sealed class Handler<TEvent>(Projection<TState> owner, string eventType, Func<TState, TEvent, EventContext, TState> apply)
        : IProjectionEventHandler
    {
        private JsonTypeInfo<TEvent>? _typeInfo;
        internal Action<TEvent, RecordedEvent, List<string>>? Keys;
        internal Func<RecordedEvent, string>? EnvelopeKey;

        public string EventType { get; } = eventType;
        public bool NeedsPayloadForRouting => Keys is not null || owner._eventTimes.ContainsKey(typeof(TEvent));

        public object Deserialize(ReadOnlyMemory<byte> data) =>
            JsonSerializer.Deserialize(data.Span, _typeInfo ??= (JsonTypeInfo<TEvent>)owner.TypeInfo(typeof(TEvent)))
            ?? throw new JsonException($"Payload of '{EventType}' is null.");

        public void CollectKeys(RecordedEvent e, object? payload, List<string> keys)
        {
            if (Keys is not null) Keys((TEvent)payload!, e, keys);
            else keys.Add(EnvelopeKey is null ? e.StreamId : EnvelopeKey(e));
        }

        public DateTimeOffset EventTime(RecordedEvent e, object? payload) =>
            payload is not null && owner._eventTimes.TryGetValue(typeof(TEvent), out var read) ? read(payload) : e.Created;

        public object Apply(object state, object payload, EventContext context) => apply((TState)state, (TEvent)payload, context);
    }
}
