using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Core.Timers;

namespace Projections.Core.Pipeline;

/// <summary>
/// The reader task: consumes the subscription in global order, stamps stream time, routes each event
/// to the partition of its key, injects barriers for the flusher and pauses on the unflushed limit.
/// </summary>
internal sealed partial class Reader
{
    private readonly GenerationPipeline _p;
    private readonly CancellationTokenSource _reading;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AsyncSignal _wake = new();
    private readonly DateTimeOffset[] _lastStamp;
    private readonly List<string> _keys = [];
    private readonly object _sync = new();
    private GlobalPosition? _position;
    private DateTimeOffset _streamTime = DateTimeOffset.MinValue;
    private GlobalPosition _knownHead = GlobalPosition.Start;
    private DateTimeOffset? _lastEventCreated;
    private DateTimeOffset _latestEventTime = DateTimeOffset.MinValue;
    private TimeSpan? _leadAtLastEvent;
    private long _dispatchedEvents, _dispatchedBytes;
    private bool _caughtUp;
    private volatile SourceState _source = SourceState.CatchingUp;
    private volatile bool _idle, _paused;
    private Task<bool>? _pendingMove;

    public Reader(GenerationPipeline pipeline)
    {
        _p = pipeline;
        _reading = CancellationTokenSource.CreateLinkedTokenSource(pipeline.Lifetime);
        _lastStamp = new DateTimeOffset[pipeline.Partitions.Length];
        Array.Fill(_lastStamp, DateTimeOffset.MinValue);
    }

    public Task Completion => _completion.Task;
    /// <summary>The last position handled (handed to partitions or skipped).</summary>
    public GlobalPosition? Processed { get { lock (_sync) return _position; } }
    public DateTimeOffset? StreamTime { get { lock (_sync) return _streamTime == DateTimeOffset.MinValue ? null : _streamTime; } }
    public DateTimeOffset? LastEventCreated { get { lock (_sync) return _lastEventCreated; } }
    public bool Idle => _idle;

    /// <summary>Whether the wall clock moves stream time at <paramref name="now"/>, and if not why.</summary>
    public StreamTimeAdvance WallClockAdvance(DateTimeOffset now) => EvaluateWallClock(now, out _);

    /// <summary>True while the reader waits for a flush because the unflushed window is full (invariant 6).</summary>
    public bool Paused => _paused;
    public long UnflushedEvents => Math.Max(0, Interlocked.Read(ref _dispatchedEvents) - Interlocked.Read(ref _p.PersistedEvents));
    private long UnflushedBytes => Interlocked.Read(ref _dispatchedBytes) - Interlocked.Read(ref _p.PersistedBytes);

    public void StopReading() => _reading.Cancel();

    /// <summary>Wakes the reader: a barrier was requested or a flush completed.</summary>
    public void Wake() => _wake.Set();

    /// <summary>Before the task starts: resume after the stored checkpoint with its stream time.</summary>
    public void Restore(ProjectionCheckpoint? checkpoint)
    {
        if (checkpoint is null) return;
        lock (_sync)
        {
            _position = checkpoint.Position == GlobalPosition.Start ? null : checkpoint.Position;
            _streamTime = checkpoint.StreamTime ?? DateTimeOffset.MinValue;
        }
    }

    public async Task Run()
    {
        var ct = _reading.Token;
        IAsyncEnumerator<SubscriptionMessage>? messages = null;
        try
        {
            messages = _p.Source.Subscribe(_position, _p.Projection.Filter, ct).GetAsyncEnumerator(ct);
            while (true)
            {
                await ServeBarrierRequest().ConfigureAwait(false);
                await WaitWhileWindowFull(ct).ConfigureAwait(false);
                if (!await Next(messages, ct).ConfigureAwait(false)) break;
                if (!await Handle(messages.Current).ConfigureAwait(false)) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            _p.Fail(new ProjectionFailedException(_p.Name,
                $"Projection '{_p.Name}' stopped: reading events from {_p.Source.Description} failed: {ex.GetType().Name}: {ex.Message}", ex));
        }
        finally
        {
            await CloseSubscription(messages).ConfigureAwait(false);
            await Exit().ConfigureAwait(false);
            _completion.TrySetResult();
        }
    }

    /// <summary>
    /// An async iterator refuses to be disposed while a MoveNextAsync is still running (it throws
    /// NotSupportedException), so a stop that lands while the reader waits for events first lets the
    /// cancelled move end. Disposal errors after a stop change nothing about what was applied.
    /// </summary>
    private async Task CloseSubscription(IAsyncEnumerator<SubscriptionMessage>? messages)
    {
        if (messages is null) return;
        try
        {
            if (_pendingMove is { IsCompleted: false } pending)
                await pending.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception) { /* the move was cancelled with the reader, or failed; either way it ended */ }
        try { await messages.DisposeAsync().ConfigureAwait(false); }
        catch (Exception ex)
        {
            _p.Logger.LogWarning(ex, "Projection {Projection}: closing the subscription failed after the reader stopped", _p.Name);
        }
    }

    /// <summary>Moves to the next message; while none is ready, broadcasts ticks, serves barriers and advances idle stream time.</summary>
    private async ValueTask<bool> Next(IAsyncEnumerator<SubscriptionMessage> messages, CancellationToken ct)
    {
        var move = messages.MoveNextAsync();
        if (move.IsCompleted) return move.Result;
        _idle = _caughtUp;
        // A shard idle with progress only in position (events of other shards): write that checkpoint now
        // rather than at the next MaxFlushInterval, so a quiet shard is at the head as soon as the others are.
        if (_p.Shards > 1 && _caughtUp && Processed is { } processed && (_p.Checkpoint is not { } stored || processed > stored.Position)) _p.SignalFlush();
        await BroadcastTicks(ct).ConfigureAwait(false); // and hands over every batched message: the reader waits now
        var moved = _pendingMove = move.AsTask();
        Task? idleTick = null;
        while (!moved.IsCompleted)
        {
            var wake = _wake.Prepare();
            if (await ServeBarrierRequest().ConfigureAwait(false)) continue;
            if (_source == SourceState.Live && _p.Options.WallClockAdvancesIdleStreamTime)
                idleTick ??= Task.Delay(_p.Options.IdleTickInterval, _p.Time, ct);
            await (idleTick is null ? Task.WhenAny(moved, wake) : Task.WhenAny(moved, wake, idleTick)).ConfigureAwait(false);
            // A message that is ready (a disconnect, say) is handled before the clock is consulted.
            if (idleTick is { IsCompleted: true } && !moved.IsCompleted)
            {
                idleTick = null;
                ct.ThrowIfCancellationRequested();
                if (WallClockTarget(_p.Time.GetUtcNow()) is { } target)
                {
                    AdvanceStreamTime(target);
                    await BroadcastTicks(ct).ConfigureAwait(false);
                }
            }
        }
        _idle = false;
        return await moved.ConfigureAwait(false);
    }

    private async ValueTask<bool> Handle(SubscriptionMessage message)
    {
        if (message.Kind == SubscriptionMessageKind.Disconnected)
        {
            // Stream time holds until the source has caught up again (docs/design.md, "Stream time and timers").
            _source = SourceState.Disconnected;
            _p.SourceOutage.Failed("reading events", message.Reason ?? "connection lost", message.RetryIn);
            return true;
        }
        _p.SourceOutage.Succeeded();
        switch (message.Kind)
        {
            case SubscriptionMessageKind.Event:
                return await HandleEvent(message.Event!).ConfigureAwait(false);
            case SubscriptionMessageKind.Checkpoint:
                Advance(message.Position);
                break;
            case SubscriptionMessageKind.CaughtUp:
                Advance(message.Position);
                _p.ObserveHead(message.Position);
                _source = SourceState.Live;
                if (!_caughtUp)
                {
                    _caughtUp = true;
                    _p.Logger.LogInformation("Projection {Projection} generation {Generation} caught up at {Position}", _p.Name, _p.Generation, Processed?.ToString() ?? "the start");
                }
                _p.SetStatus(ProjectionStatus.Live);
                _p.SignalFlush();
                break;
            case SubscriptionMessageKind.FellBehind:
                _source = SourceState.CatchingUp;
                _p.SetStatus(ProjectionStatus.CatchingUp);
                break;
        }
        return true;
    }

    private void Advance(GlobalPosition position)
    {
        lock (_sync) if (_position is not { } p || position > p) _position = position;
    }

    /// <summary>The time the idle wall clock may move stream time to, or null when the rule says it must not.</summary>
    private DateTimeOffset? WallClockTarget(DateTimeOffset now) =>
        EvaluateWallClock(now, out var target) == StreamTimeAdvance.Advancing ? target : null;

    private StreamTimeAdvance EvaluateWallClock(DateTimeOffset now, out DateTimeOffset target)
    {
        DateTimeOffset streamTime;
        TimeSpan? lead;
        lock (_sync) { streamTime = _streamTime; lead = _leadAtLastEvent; }
        return WallClockRule.Evaluate(_p.Options.WallClockAdvancesIdleStreamTime, _source, lead, now, streamTime, _p.Options.AllowedLateness, out target);
    }

    private void AdvanceStreamTime(DateTimeOffset time)
    {
        if (time > _streamTime) lock (_sync) _streamTime = time;
    }
}
