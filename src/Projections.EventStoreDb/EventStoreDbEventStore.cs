using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Operations;

namespace Projections.EventStoreDb;

/// <summary>
/// EventStoreDB as the engine's event source and store, over our own gRPC client. Connects lazily on
/// the first call; <see cref="GetServerCapabilities"/> connects eagerly to fail fast.
/// </summary>
public sealed class EventStoreDbEventStore : IEventStore, IAsyncDisposable
{
    private readonly EventStoreDbConnection _connection;
    private readonly EventStoreDbOptions _options;
    private readonly Reads _reads;
    private readonly AllRead _allRead;
    private readonly Appends _appends;
    private readonly BatchAppends _batchAppends;

    internal EventStoreDbEventStore(EventStoreDbSettings settings, EventStoreDbOptions options, Func<ServerCapabilities, ServerCapabilities>? adjustCapabilities = null)
    {
        options.Validate();
        _options = options;
        _connection = new EventStoreDbConnection(settings, options) { AdjustCapabilities = adjustCapabilities };
        _reads = new Reads(_connection, options);
        _allRead = new AllRead(_connection, options);
        _appends = new Appends(_connection);
        _batchAppends = new BatchAppends(_connection, _appends, options);
    }

    /// <summary>Creates a store for an <c>esdb://</c> or <c>esdb+discover://</c> connection string.</summary>
    /// <exception cref="InvalidConnectionStringException">The string is malformed; the message names the bad part.</exception>
    public static EventStoreDbEventStore Connect(string connectionString, EventStoreDbOptions? options = null) =>
        new(ConnectionStringParser.Parse(connectionString), options ?? new EventStoreDbOptions());

    public static EventStoreDbEventStore Connect(EventStoreDbSettings settings, EventStoreDbOptions? options = null) =>
        new(settings, options ?? new EventStoreDbOptions());

    public string Description => _connection.Settings.Describe();

    internal EventStoreDbConnection Connection => _connection;

    /// <summary>Connects now (if not yet connected) and reports the server's version and capabilities.</summary>
    public async Task<ServerCapabilities> GetServerCapabilities(CancellationToken cancellationToken) =>
        (await _connection.GetNode(cancellationToken).ConfigureAwait(false)).Capabilities;

    public IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) =>
        new AllSubscription(_connection, _options, _reads).Run(after, filter, cancellationToken);

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) => _reads.ReadHeadPosition(cancellationToken);

    public async IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ulong next = 0;
        while (true)
        {
            var page = await _reads.ReadStreamPage(streamId, next, cancellationToken).ConfigureAwait(false);
            if (page is null) yield break;
            foreach (var e in page) yield return e;
            if (page.Count < _options.ReadPageSize) yield break;
            next = page[^1].StreamRevision + 1;
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var head = await ReadHeadPosition(cancellationToken).ConfigureAwait(false);
        if (head == GlobalPosition.Start) yield break;
        await foreach (var e in _allRead.Read(after, filter, head, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    public Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        AppendValidation.Validate(streamId, events);
        return _appends.Append(streamId, expected, events, cancellationToken);
    }

    public Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        AppendValidation.Validate(requests);
        return _batchAppends.AppendMany(requests, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _batchAppends.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
