using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;

namespace Projections.Core.InMemory;

/// <summary>
/// An event store in memory: streams with optimistic concurrency, one global log with positions
/// <c>GlobalPosition.Of(1)</c>, <c>Of(2)</c>, ... and subscriptions that wake on append. For tests and benchmarks.
/// </summary>
public sealed class InMemoryEventStore(TimeProvider? time = null) : IEventStore
{
    private const int ScanChunk = 1024;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _sync = new();
    private readonly List<RecordedEvent> _log = [];
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private readonly AsyncSignal _appended = new();

    public string Description => "in-memory event store";

    /// <summary>Number of events in the global log.</summary>
    public int Count { get { lock (_sync) return _log.Count; } }

    public Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        AppendResult result;
        lock (_sync) result = AppendLocked(streamId, expected, events, _time.GetUtcNow());
        _appended.Set();
        return Task.FromResult(result);
    }

    /// <summary>Appends an event with an explicit recorded time (tests that need exact event times).</summary>
    public AppendResult AppendAt(string streamId, string eventType, ReadOnlyMemory<byte> data, DateTimeOffset created)
    {
        AppendResult result;
        lock (_sync) result = AppendLocked(streamId, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), eventType, data)], created);
        _appended.Set();
        return result;
    }

    public Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        var results = new AppendResult[requests.Count];
        try
        {
            lock (_sync)
            {
                var now = _time.GetUtcNow();
                for (var i = 0; i < requests.Count; i++)
                    results[i] = AppendLocked(requests[i].StreamId, requests[i].Expected, requests[i].Events, now);
            }
        }
        finally { _appended.Set(); }
        return Task.FromResult<IReadOnlyList<AppendResult>>(results);
    }

    private AppendResult AppendLocked(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        if (events.Count == 0) throw new ArgumentException($"Append to stream '{streamId}' has no events.", nameof(events));
        _streams.TryGetValue(streamId, out var stream);
        ulong? actual = stream is { Count: > 0 } ? (ulong)(stream.Count - 1) : null;
        var ok = expected.Type switch
        {
            ExpectedRevision.Kind.Any => true,
            ExpectedRevision.Kind.NoStream => actual is null,
            ExpectedRevision.Kind.StreamExists => actual is not null,
            _ => actual == expected.Revision,
        };
        if (!ok) throw new WrongExpectedVersionException(streamId, expected, actual);
        if (stream is null) _streams[streamId] = stream = [];
        foreach (var e in events)
        {
            var recorded = new RecordedEvent(streamId, (ulong)stream.Count, GlobalPosition.Of((ulong)_log.Count + 1),
                e.EventId, e.EventType, e.Data, e.Metadata, now);
            stream.Add(recorded);
            _log.Add(recorded);
        }
        return new AppendResult((ulong)(stream.Count - 1), stream[^1].Position);
    }

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken)
    {
        lock (_sync) return Task.FromResult(_log.Count == 0 ? GlobalPosition.Start : _log[^1].Position);
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RecordedEvent[] events;
        lock (_sync) events = _streams.TryGetValue(streamId, out var s) ? s.ToArray() : [];
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int next, end;
        lock (_sync) { next = IndexAfter(after); end = _log.Count; }
        var buffer = new List<RecordedEvent>(ScanChunk);
        while (next < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Clear();
            lock (_sync) for (var i = next; i < end && buffer.Count < ScanChunk; i++) buffer.Add(_log[i]);
            next += buffer.Count;
            foreach (var e in buffer)
                if (filter.Matches(e.StreamId, e.EventType)) yield return e;
        }
        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int next, headAtStart;
        lock (_sync) { next = IndexAfter(after); headAtStart = _log.Count; }
        var caughtUp = false;
        var lastYielded = after ?? GlobalPosition.Start;
        var buffer = new List<RecordedEvent>(ScanChunk);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = _appended.Prepare();
            buffer.Clear();
            lock (_sync) for (var i = next; i < _log.Count && buffer.Count < ScanChunk; i++) buffer.Add(_log[i]);
            next += buffer.Count;
            foreach (var e in buffer)
            {
                if (!filter.Matches(e.StreamId, e.EventType)) continue;
                lastYielded = e.Position;
                yield return SubscriptionMessage.ForEvent(e);
            }
            if (buffer.Count > 0 && buffer[^1].Position > lastYielded)
            {
                lastYielded = buffer[^1].Position;
                yield return SubscriptionMessage.ForCheckpoint(lastYielded);
            }
            if (!caughtUp && next >= headAtStart)
            {
                caughtUp = true;
                yield return SubscriptionMessage.ForCaughtUp(lastYielded);
            }
            if (buffer.Count == ScanChunk) continue;
            await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Index in the log of the first event after <paramref name="after"/>.</summary>
    private int IndexAfter(GlobalPosition? after)
    {
        if (after is not { } p) return 0;
        int lo = 0, hi = _log.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_log[mid].Position <= p) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
