using System.Runtime.CompilerServices;
using Grpc.Core;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Resilience;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol.Streams;
using Projections.EventStoreDb.Protocol;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// A catch-up subscription to $all that survives transient failures: it resubscribes after the last
/// position it yielded (exclusive), so nothing is skipped; anything the server resends at or before
/// that position is dropped here. A broken call yields Disconnected before the reconnect backoff; a drop for
/// falling behind the server's live queue (<see cref="ConsumerTooSlowException"/>) yields FellBehind and resubscribes
/// at once. Every (re)subscription says CaughtUp again once it reached the head read when it subscribed.
/// </summary>
internal sealed class AllSubscription(EventStoreDbConnection connection, EventStoreDbOptions options, Reads reads)
{
    public async IAsyncEnumerable<SubscriptionMessage> Run(GlobalPosition? after, EventFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = after;
        var backoff = new Backoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        var fallback = new CaughtUpTracker();

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Exception failure = new EventStoreUnavailableException("EventStoreDB ended the $all subscription.");
            NodeConnection? node = null;
            AsyncServerStreamingCall<ReadResp>? call = null;
            var headAtSubscribe = GlobalPosition.Start;
            try
            {
                node = await connection.GetNode(cancellationToken).ConfigureAwait(false);
                headAtSubscribe = await reads.ReadHeadPosition(cancellationToken).ConfigureAwait(false);
                if (!node.Capabilities.SendsCaughtUp) fallback.ExpectHead(headAtSubscribe);
                call = new Streams.StreamsClient(node.Channel).Read(ReadRequests.SubscribeToAll(last, filter), connection.StreamingCall(cancellationToken));
            }
            catch (EventStoreUnavailableException ex)
            {
                failure = ex;
            }

            var progressed = false;
            if (call is not null)
            {
                using (call)
                {
                    var live = false;
                    long? undeliveredSince = null;
                    var pending = TryReadNext(call, node!, cancellationToken);
                    while (true)
                    {
                        if (!connection.IsCurrent(node!))
                        {
                            // Another call found this node's channel broken and it will be disposed: resubscribe on the new one.
                            failure = new EventStoreUnavailableException($"The $all subscription's connection to {node!.EndPoint} was replaced after another call found it broken.");
                            Abandon(pending);
                            break;
                        }
                        // Without the server's caught-up message, a quiet sparse catch-up reaches the head only this way.
                        if ((live || !node!.Capabilities.SendsCaughtUp) && !pending.IsCompleted)
                        {
                            var idle = await IdleProgress(pending, last, filter, cancellationToken).ConfigureAwait(false);
                            if (idle.Checkpoint is { } idleCheckpoint)
                            {
                                last = idleCheckpoint;
                                yield return SubscriptionMessage.ForCheckpoint(idleCheckpoint);
                                if (fallback.ReachedBy(idleCheckpoint))
                                {
                                    live = true;
                                    yield return SubscriptionMessage.ForCaughtUp(idleCheckpoint);
                                }
                            }
                            undeliveredSince = idle.UndeliveredMatch ? undeliveredSince ?? Environment.TickCount64 : null;
                            if (undeliveredSince is { } since && Environment.TickCount64 - since >= (long)options.LiveStallTimeout.TotalMilliseconds)
                            {
                                failure = new SubscriptionStalledException(
                                    $"The $all subscription on {node!.EndPoint} delivered nothing for {options.LiveStallTimeout.TotalSeconds:0.#} s while an event after its last position matched; resubscribing after it.");
                                Abandon(pending);
                                break;
                            }
                            if (!pending.IsCompleted) continue;
                        }

                        var next = await pending.ConfigureAwait(false);
                        undeliveredSince = null;
                        if (next.Failure is not null) { failure = next.Failure; break; }
                        if (next.Response is not { } response) break;
                        pending = TryReadNext(call, node!, cancellationToken);

                        var message = ToMessage(response, last, headAtSubscribe, node!.Capabilities.SendsCaughtUp);
                        if (response.ContentCase == ReadResp.ContentOneofCase.Confirmation)
                        {
                            if (fallback.AlreadyThere(last)) message = CaughtUpAt(last, headAtSubscribe);
                        }
                        if (message is not { } m) continue;

                        last = last is { } l && l > m.Position ? l : m.Position;
                        if (m.Kind is SubscriptionMessageKind.Event or SubscriptionMessageKind.Checkpoint)
                        {
                            backoff.Reset();
                            progressed = true;
                        }
                        if (m.Kind == SubscriptionMessageKind.CaughtUp) live = true;
                        yield return m;

                        if (m.Kind != SubscriptionMessageKind.CaughtUp && fallback.ReachedBy(m.Position))
                        {
                            live = true;
                            yield return SubscriptionMessage.ForCaughtUp(m.Position);
                        }
                    }
                }
            }

            // Before the backoff: the consumer must not count as live (nor move stream time by the clock) until it caught up again.
            fallback.Rearm();
            if (failure is ConsumerTooSlowException or SubscriptionStalledException && progressed)
            {
                // Behind or stalled, not cut off: catch up again from the last position at once (a drop with no progress since takes the backoff).
                options.OnReconnecting?.Invoke(failure, TimeSpan.Zero);
                yield return SubscriptionMessage.ForFellBehind(last ?? GlobalPosition.Start);
                continue;
            }
            var delay = backoff.Next();
            options.OnReconnecting?.Invoke(failure, delay);
            yield return SubscriptionMessage.ForDisconnected(last ?? GlobalPosition.Start, failure.Message, delay);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static SubscriptionMessage? ToMessage(ReadResp response, GlobalPosition? last, GlobalPosition headAtSubscribe, bool serverSendsCaughtUp) => response.ContentCase switch
    {
        ReadResp.ContentOneofCase.Event => ToEventMessage(response.Event, last),
        ReadResp.ContentOneofCase.Checkpoint => ToCheckpoint(response.Checkpoint, last),
        ReadResp.ContentOneofCase.CaughtUp when serverSendsCaughtUp => CaughtUpAt(last, headAtSubscribe),
        ReadResp.ContentOneofCase.FellBehind => SubscriptionMessage.ForFellBehind(last ?? GlobalPosition.Start),
        _ => null,
    };

    /// <summary>
    /// Caught up means everything up to the head read before subscribing has been delivered, so the
    /// subscription has progressed at least to that head (an event position the server gave us).
    /// </summary>
    private static SubscriptionMessage CaughtUpAt(GlobalPosition? last, GlobalPosition headAtSubscribe) =>
        SubscriptionMessage.ForCaughtUp(last is { } l && l > headAtSubscribe ? l : headAtSubscribe);

    private static SubscriptionMessage? ToEventMessage(ReadResp.Types.ReadEvent readEvent, GlobalPosition? last)
    {
        var e = RecordedEvents.From(readEvent);
        if (e is null || (last is { } l && e.Position <= l)) return null;
        return SubscriptionMessage.ForEvent(e);
    }

    /// <summary>A checkpoint at or before what was already yielded says nothing new, and would move the position backwards.</summary>
    private static SubscriptionMessage? ToCheckpoint(ReadResp.Types.Checkpoint checkpoint, GlobalPosition? last)
    {
        var position = new GlobalPosition(checkpoint.CommitPosition, checkpoint.PreparePosition);
        return last is { } l && position <= l ? null : SubscriptionMessage.ForCheckpoint(position);
    }

    /// <summary>
    /// While quiet, a filtered subscription hears nothing about non-matching writes until 32 records
    /// pile up. After <see cref="EventStoreDbOptions.LiveIdleCheckpointInterval"/> without a
    /// message, this reads the head and the same filtered range: when nothing matching lies between the
    /// last position and the head, the head is a safe checkpoint. Anything matching is left to the
    /// subscription, which delivers it; the caller counts how long it has not (<see cref="EventStoreDbOptions.LiveStallTimeout"/>).
    /// </summary>
    private async Task<IdleCheck> IdleProgress(Task<Next> pending, GlobalPosition? last, EventFilter filter, CancellationToken cancellationToken)
    {
        try
        {
            await pending.WaitAsync(options.LiveIdleCheckpointInterval, cancellationToken).ConfigureAwait(false);
            return default;
        }
        catch (TimeoutException)
        {
        }

        try
        {
            var head = await reads.ReadHeadPosition(cancellationToken).ConfigureAwait(false);
            if (head == GlobalPosition.Start || (last is { } l && head <= l)) return default;
            var page = await reads.ReadAllPage(last, filter, cancellationToken).ConfigureAwait(false);
            var pendingMatch = page.Any(e => (last is not { } from || e.Position > from) && e.Position <= head);
            if (pending.IsCompleted) return default;
            return pendingMatch ? new IdleCheck(null, UndeliveredMatch: true) : new IdleCheck(head, UndeliveredMatch: false);
        }
        catch (EventStoreUnavailableException)
        {
            return default; // the subscription call notices the outage itself
        }
    }

    /// <summary>What a quiet interval showed: a checkpoint past non-matching writes, or a matching event the call has not delivered.</summary>
    private readonly record struct IdleCheck(GlobalPosition? Checkpoint, bool UndeliveredMatch);

    /// <summary>A read left running on a call being disposed ends with an error nobody needs: observe it.</summary>
    private static void Abandon(Task<Next> pending) =>
        pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private readonly record struct Next(ReadResp? Response, Exception? Failure);

    /// <summary>Reads one message; transient failures come back as a value so the caller can reconnect.</summary>
    private async Task<Next> TryReadNext(AsyncServerStreamingCall<ReadResp> call, NodeConnection node, CancellationToken cancellationToken)
    {
        try
        {
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false)) return new Next(null, null);
            if (options.StallSubscriptionAt?.Invoke(call.ResponseStream.Current) == true)
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return new Next(call.ResponseStream.Current, null);
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex) when (ConsumerTooSlowException.Matches(ex))
        {
            return new Next(null, new ConsumerTooSlowException(ex.Status.Detail, ex)); // the channel is fine: no reset
        }
        catch (RpcException ex)
        {
            var mapped = RpcErrorMapper.Map(ex, "subscription to $all");
            switch (mapped)
            {
                case NotLeaderException { LeaderHost: { } host, LeaderPort: { } port }:
                    connection.Reset(node, new EndPointAddress(host, port));
                    return new Next(null, mapped);
                case EventStoreUnavailableException:
                    connection.Reset(node);
                    return new Next(null, mapped);
                default:
                    throw mapped;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            // ObjectDisposedException: the channel was retired (disposed) while this call still read from it.
            connection.Reset(node);
            return new Next(null, new EventStoreUnavailableException($"The $all subscription lost its connection to {node.EndPoint}: {ex.Message}", ex));
        }
    }
}
