using System.Runtime.CompilerServices;
using Grpc.Core;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// A catch-up subscription to $all that survives transient failures: it resubscribes after the last
/// position it yielded (exclusive), so nothing is skipped; the server never resends anything at or
/// before that position, and anything it does resend is dropped here.
/// </summary>
internal sealed class AllSubscription(EventStoreDbConnection connection, EventStoreDbOptions options, Func<CancellationToken, Task<GlobalPosition>> readHead)
{
    public async IAsyncEnumerable<SubscriptionMessage> Run(GlobalPosition? after, EventFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = after;
        var backoff = new Backoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        var caughtUp = new CaughtUpTracker();

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Exception failure;
            NodeConnection? node = null;
            AsyncServerStreamingCall<ReadResp>? call = null;
            try
            {
                node = await connection.GetNode(cancellationToken).ConfigureAwait(false);
                if (!node.Capabilities.SendsCaughtUp)
                    caughtUp.ExpectHead(await readHead(cancellationToken).ConfigureAwait(false));
                call = new Streams.StreamsClient(node.Channel).Read(ReadRequests.SubscribeToAll(last, filter), connection.StreamingCall(cancellationToken));
                failure = new EventStoreUnavailableException("EventStoreDB ended the $all subscription.");
            }
            catch (EventStoreUnavailableException ex)
            {
                failure = ex;
            }

            if (call is not null)
            {
                using (call)
                {
                    while (true)
                    {
                        var next = await TryReadNext(call, node!, cancellationToken).ConfigureAwait(false);
                        if (next.Failure is not null) { failure = next.Failure; break; }
                        if (next.Response is not { } response) break;

                        SubscriptionMessage? message = response.ContentCase switch
                        {
                            ReadResp.ContentOneofCase.Event => ToEventMessage(response.Event, last),
                            ReadResp.ContentOneofCase.Checkpoint => ToCheckpoint(response.Checkpoint, last),
                            ReadResp.ContentOneofCase.CaughtUp => SubscriptionMessage.ForCaughtUp(last ?? GlobalPosition.Start),
                            ReadResp.ContentOneofCase.FellBehind => SubscriptionMessage.ForFellBehind(last ?? GlobalPosition.Start),
                            _ => null,
                        };

                        if (response.ContentCase == ReadResp.ContentOneofCase.Confirmation && caughtUp.AlreadyThere(last))
                            message = SubscriptionMessage.ForCaughtUp(last ?? GlobalPosition.Start);
                        if (message is not { } m) continue;

                        if (m.Kind is SubscriptionMessageKind.Event or SubscriptionMessageKind.Checkpoint)
                        {
                            last = m.Position;
                            backoff.Reset();
                        }
                        yield return m;
                        if (m.Kind is SubscriptionMessageKind.Event or SubscriptionMessageKind.Checkpoint && caughtUp.ReachedBy(m.Position))
                            yield return SubscriptionMessage.ForCaughtUp(m.Position);
                    }
                }
            }

            var delay = backoff.Next();
            options.OnReconnecting?.Invoke(failure, delay);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

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

    private readonly record struct Next(ReadResp? Response, Exception? Failure);

    /// <summary>Reads one message; transient failures come back as a value so the caller can reconnect.</summary>
    private async Task<Next> TryReadNext(AsyncServerStreamingCall<ReadResp> call, NodeConnection node, CancellationToken cancellationToken)
    {
        try
        {
            return await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false)
                ? new Next(call.ResponseStream.Current, null)
                : new Next(null, null);
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
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
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            connection.Reset(node);
            return new Next(null, new EventStoreUnavailableException($"The $all subscription lost its connection to {node.EndPoint}: {ex.Message}", ex));
        }
    }
}
