using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>Routing events to partitions, barriers and backpressure.</summary>
internal sealed partial class Reader
{
    private TaskCompletionSource<Barrier>? _barrierRequest;
    private bool _exited;

    private async ValueTask<bool> HandleEvent(RecordedEvent e)
    {
        var projection = _p.Projection;
        if (!EventRouting.TryGetHandler(projection, e, out var handler))
        {
            Advance(e.Position); // skipped by design, but the checkpoint still moves past it
            return true;
        }
        if (_position is { } last && e.Position <= last) return true; // delivered twice by the source

        object? payload;
        DateTimeOffset eventTime;
        try
        {
            eventTime = EventRouting.Route(handler, e, _keys, out payload);
        }
        catch (Exception ex)
        {
            if (!_p.ParksEvent(e.Position, $"Routing: {ex.GetType().Name}: {ex.Message}", out var reason))
            {
                _p.Fail(ProjectionFailedException.ForEvent(_p.Name, e, null, ex));
                return false;
            }
            // An event whose keys are unknown is parked once, by the shard its stream id falls in.
            if (_p.Owns(e.StreamId))
            {
                var letter = new DeadLetter(e.Position, e.StreamId, e.StreamRevision, e.EventId, e.EventType, e.Data, e.Metadata, reason, _p.Time.GetUtcNow());
                await Send(_p.PartitionIndexOf(e.StreamId), PartitionMessage.Park(letter, _streamTime)).ConfigureAwait(false);
            }
            Advance(e.Position);
            return true;
        }

        // Stream time moves with every routed event, this shard's or not, so it is the same function of the global order on every shard.
        var streamTime = eventTime > _streamTime ? eventTime : _streamTime;
        bool dispatched = false, firstKeyHere = false;
        for (var i = 0; i < _keys.Count; i++)
        {
            var key = _keys[i];
            if (IsDuplicateKey(i)) continue;
            var partition = _p.LocalPartitionOf(key);
            if (partition < 0) continue; // another shard's key
            await Send(partition, PartitionMessage.Apply(key, e, handler, payload, eventTime, streamTime)).ConfigureAwait(false);
            dispatched = true;
            firstKeyHere |= i == 0;
        }
        if (dispatched)
        {
            Interlocked.Increment(ref _dispatchedEvents);
            Interlocked.Add(ref _dispatchedBytes, e.Data.Length + e.Metadata.Length);
            // An event fanned out to keys of several shards counts once, in the shard of its first key, so shards sum to the projection's count.
            if (firstKeyHere) Interlocked.Increment(ref _p.EventsProcessed);
        }
        var now = _p.Time.GetUtcNow();
        lock (_sync) // one lock per event: everything other threads read about the reader's progress
        {
            _streamTime = streamTime;
            if (eventTime > _latestEventTime) _latestEventTime = eventTime;
            _leadAtLastEvent = now - _latestEventTime;
            _lastEventCreated = e.Created;
            if (_position is not { } p || e.Position > p) _position = e.Position;
        }
        // The head only grows, so a position at or below the last one seen needs no update (and no lock).
        if (e.Position > _knownHead) _knownHead = _p.ObserveHead(e.Position);
        return true;
    }

    private bool IsDuplicateKey(int index)
    {
        for (var j = 0; j < index; j++)
            if (string.Equals(_keys[j], _keys[index], StringComparison.Ordinal)) return true;
        return false;
    }

    private ValueTask Send(int partition, PartitionMessage message)
    {
        _lastStamp[partition] = message.StreamTime;
        return _p.Partitions[partition].Queue.Add(message, _p.Lifetime);
    }

    /// <summary>Hands every partition the messages batched so far: before any wait, and after barriers and ticks.</summary>
    private async ValueTask PushAll()
    {
        foreach (var partition in _p.Partitions) await partition.Queue.Push(_p.Lifetime).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the current stream time to partitions that have not seen it, so their timers fire without events, and hands
    /// over every batched message: called whenever the reader is about to wait for the source.
    /// </summary>
    private async ValueTask BroadcastTicks(CancellationToken ct)
    {
        if (_streamTime != DateTimeOffset.MinValue)
            for (var i = 0; i < _lastStamp.Length; i++)
                if (_lastStamp[i] < _streamTime) await Send(i, PartitionMessage.Tick(_streamTime)).ConfigureAwait(false);
        await PushAll().ConfigureAwait(false);
    }

    /// <summary>Called by the flusher: a barrier at the reader's current position, injected between two events.</summary>
    public Task<Barrier> RequestBarrier()
    {
        var request = new TaskCompletionSource<Barrier>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool direct;
        lock (_sync)
        {
            direct = _exited;
            if (!direct) _barrierRequest = request;
        }
        if (direct) return InjectBarrier();
        Wake();
        return request.Task;
    }

    private async ValueTask<bool> ServeBarrierRequest()
    {
        TaskCompletionSource<Barrier>? request;
        lock (_sync)
        {
            request = _barrierRequest;
            _barrierRequest = null;
        }
        if (request is null) return false;
        try { request.TrySetResult(await InjectBarrier().ConfigureAwait(false)); }
        catch (Exception ex) { request.TrySetException(ex); }
        return true;
    }

    private async Task<Barrier> InjectBarrier()
    {
        GlobalPosition? position;
        lock (_sync) position = _position;
        var barrier = new Barrier(position, _streamTime, Interlocked.Read(ref _dispatchedEvents), Interlocked.Read(ref _dispatchedBytes), _caughtUp, _lastStamp.Length);
        for (var i = 0; i < _lastStamp.Length; i++) await Send(i, PartitionMessage.ForBarrier(barrier)).ConfigureAwait(false);
        await PushAll().ConfigureAwait(false);
        return barrier;
    }

    /// <summary>Invariant 6: stop reading while applied-but-unpersisted events exceed the limits; keep serving barriers meanwhile.</summary>
    private async ValueTask WaitWhileWindowFull(CancellationToken ct)
    {
        var options = _p.Options;
        while (UnflushedEvents > options.MaxUnflushedEvents || UnflushedBytes > options.MaxUnflushedBytes)
        {
            var wake = _wake.Prepare();
            if (!(UnflushedEvents > options.MaxUnflushedEvents || UnflushedBytes > options.MaxUnflushedBytes)) break;
            if (await ServeBarrierRequest().ConfigureAwait(false)) continue;
            _paused = true;
            await PushAll().ConfigureAwait(false);
            _p.SignalFlush();
            await wake.WaitAsync(ct).ConfigureAwait(false);
        }
        _paused = false;
    }

    /// <summary>After the last read: later barriers are injected directly by the flusher; a pending one is served here.</summary>
    private async Task Exit()
    {
        // Barriers injected directly after this start from empty batches: every event read is handed over first.
        if (!_p.Lifetime.IsCancellationRequested)
        {
            try { await PushAll().ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        lock (_sync) _exited = true;
        if (_p.Lifetime.IsCancellationRequested)
        {
            lock (_sync) _barrierRequest?.TrySetCanceled();
            return;
        }
        try { await ServeBarrierRequest().ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}
