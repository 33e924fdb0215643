using Grpc.Core;
using Projections.Core.Events;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// One open BatchAppend call on a node. The writer loop writes requests; this reads the answers and
/// settles the waiting appends by correlation id. The request stream is never half-closed: a 23.10
/// server then ends the call at once, dropping the answers still due. The call lives until the
/// server or the transport ends it (a restart, a leader change) or until it is disposed; then every
/// append still waiting fails with the reason, and the connection is reset so the next call reconnects.
/// </summary>
internal sealed class BatchAppendCall : IAsyncDisposable
{
    private readonly EventStoreDbConnection _connection;
    private readonly NodeConnection _node;
    private readonly CancellationTokenSource _cancel = new();
    private readonly AsyncDuplexStreamingCall<BatchAppendReq, BatchAppendResp> _call;
    private readonly Task _reading;

    public BatchAppendCall(EventStoreDbConnection connection, NodeConnection node)
    {
        _connection = connection;
        _node = node;
        _call = new Streams.StreamsClient(node.Channel).BatchAppend(connection.StreamingCall(_cancel.Token));
        _reading = ReadAnswers();
    }

    public PendingAppends Pending { get; } = new();

    /// <summary>False once the connection moved on from this call's node (its channel is about to be disposed).</summary>
    public bool OnCurrentNode => _connection.IsCurrent(_node);

    /// <summary>Takes no new appends; the call ends by itself once the appends written on it are answered.</summary>
    public void Retire()
    {
        Volatile.Write(ref _retired, true);
        if (Pending.Retire()) _cancel.Cancel();
    }

    private bool _retired;

    /// <summary>Writes one append; if the write fails the call ends, and every append waiting on it (this one too) fails.</summary>
    public async Task Write(Guid correlationId, QueuedAppend append)
    {
        try
        {
            var request = AppendRequests.Batch(correlationId, append.Request, _connection.Settings.DefaultDeadline);
            await _call.RequestStream.WriteAsync(request, _cancel.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException ex) when (Pending.TryRemove(correlationId))
        {
            // The call (or its channel) was gone before this request was written: nothing of it reached the server.
            var failure = new EventStoreUnavailableException($"EventStoreDB batch append could not be sent: the call to {_node.EndPoint} had ended.", ex);
            BatchAppendErrorMapper.MarkNothingWritten(failure);
            append.Fail(failure);
            End(ex);
        }
        catch (Exception ex)
        {
            End(ex);
        }
    }

    private async Task ReadAnswers()
    {
        await Task.Yield();
        try
        {
            while (await _call.ResponseStream.MoveNext(_cancel.Token).ConfigureAwait(false))
            {
                Pending.Answer(_call.ResponseStream.Current);
                if (Pending.IsClosed && Pending.Count == 0)
                {
                    await _cancel.CancelAsync().ConfigureAwait(false); // retired and every append answered
                    return;
                }
            }
            End(new EventStoreUnavailableException("EventStoreDB ended the batch append call."));
        }
        catch (Exception ex)
        {
            End(ex);
        }
        finally
        {
            if (Volatile.Read(ref _retired)) _call.Dispose(); // nobody else holds a retired call
        }
    }

    private void End(Exception cause)
    {
        var failure = Describe(cause);
        if (failure is NotLeaderException { LeaderHost: { } host, LeaderPort: { } port })
            _connection.Reset(_node, new EndPointAddress(host, port));
        else if (failure is EventStoreUnavailableException)
            _connection.Reset(_node);
        // Refused before any request reached the node (connection refused, not the leader): safe to send again.
        if (EventStoreDbConnection.NotDelivered(cause) || failure is NotLeaderException)
            BatchAppendErrorMapper.MarkNothingWritten(failure);
        Pending.Close(failure);
    }

    private Exception Describe(Exception cause)
    {
        if (_cancel.IsCancellationRequested)
            return new EventStoreUnavailableException("The EventStoreDB store was disposed before this append was answered; its outcome is unknown.", cause);
        var mapped = cause switch
        {
            RpcException rpc => RpcErrorMapper.Map(rpc, "batch append"),
            EventStoreException e => e,
            _ => new EventStoreUnavailableException($"EventStoreDB batch append failed: {_node.EndPoint} is not reachable ({cause.Message}).", cause),
        };
        return mapped is EventStoreUnavailableException
            ? new EventStoreUnavailableException($"{mapped.Message} Appends written on that call and not answered have an unknown outcome (retry with the same event ids).", cause)
            : mapped;
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
        _call.Dispose();
        _cancel.Dispose();
    }
}
