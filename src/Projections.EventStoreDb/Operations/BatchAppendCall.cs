using System.Buffers;
using System.Net;
using Grpc.Core;
using Projections.Core.Events;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// One open BatchAppend call on a node. The writer loop writes requests, many per flush; this reads the
/// answers and settles the waiting appends by correlation id. The call frames gRPC messages itself
/// (<see cref="GrpcFraming"/>) on an HTTP/2 connection of its own, because Grpc.Net.Client flushes after
/// every message and each flush cost the writer loop a round through the connection's frame writer and a
/// socket write per append (docs/performance.md §13). The request stream is never half-closed: a 23.10
/// server then ends the call at once, dropping the answers still due. The call lives until the server or
/// the transport ends it (a restart, a leader change) or until it is disposed; then every append still
/// waiting fails with the reason, and the connection is reset so the next call reconnects.
/// </summary>
internal sealed class BatchAppendCall : IAsyncDisposable
{
    private const string Method = "/event_store.client.streams.Streams/BatchAppend";

    private readonly EventStoreDbConnection _connection;
    private readonly NodeConnection _node;
    private readonly CancellationTokenSource _cancel = new();
    private readonly HttpMessageInvoker _http;
    private readonly DuplexContent _requests = new();
    private readonly ArrayBufferWriter<byte> _frames = new();
    private readonly Task _reading;

    public BatchAppendCall(EventStoreDbConnection connection, NodeConnection node)
    {
        _connection = connection;
        _node = node;
        _http = new HttpMessageInvoker(ChannelFactory.CreateHandler(connection.Settings), disposeHandler: true);
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

    /// <summary>
    /// Writes the appends (already in <see cref="Pending"/>) in one write and one flush. If the call had
    /// ended before any byte of them was written they fail as not sent; if the write fails the call ends,
    /// and every append waiting on it (these too) fails.
    /// </summary>
    public async Task Write(IReadOnlyList<(Guid CorrelationId, QueuedAppend Append)> appends)
    {
        var started = false;
        try
        {
            _frames.ResetWrittenCount();
            foreach (var (correlationId, append) in appends)
                GrpcFraming.Write(AppendRequests.Batch(correlationId, append.Request, _connection.Settings.DefaultDeadline), _frames);
            var body = await _requests.Stream.WaitAsync(_cancel.Token).ConfigureAwait(false);
            started = true;
            await body.WriteAsync(_frames.WrittenMemory, _cancel.Token).ConfigureAwait(false);
            await body.FlushAsync(_cancel.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!started)
        {
            // The call ended before these requests were written: nothing of them reached the server.
            var failure = new EventStoreUnavailableException($"EventStoreDB batch append could not be sent: the call to {_node.EndPoint} had ended.", ex);
            BatchAppendErrorMapper.MarkNothingWritten(failure);
            foreach (var (correlationId, append) in appends)
                if (Pending.TryRemove(correlationId)) append.Fail(failure);
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
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ChannelFactory.AddressOf(_connection.Settings, _node.EndPoint), Method))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = _requests,
            };
            request.Headers.TryAddWithoutValidation("te", "trailers");
            foreach (var header in EventStoreDbConnection.BuildHeaders(_connection.Settings))
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);

            using var response = await Transport(() => _http.SendAsync(request, _cancel.Token)).ConfigureAwait(false);
            if (GrpcStatusReader.FromHeaders(response) is { } refused) throw refused;
            var answers = await Transport(() => response.Content.ReadAsStreamAsync(_cancel.Token)).ConfigureAwait(false);
            while (await Transport(() => GrpcFraming.ReadAsync(answers, ChannelFactory.MaxReceiveMessageSize, _cancel.Token).AsTask()).ConfigureAwait(false) is { } message)
            {
                Pending.Answer(BatchAppendResp.Parser.ParseFrom(message));
                if (Pending.IsClosed && Pending.Count == 0)
                {
                    await _cancel.CancelAsync().ConfigureAwait(false); // retired and every append answered
                    return;
                }
            }
            if (GrpcStatusReader.FromTrailers(response) is { } failed) throw failed;
            End(new EventStoreUnavailableException("EventStoreDB ended the batch append call."));
        }
        catch (Exception ex)
        {
            End(ex);
        }
        finally
        {
            _requests.Complete();
            if (Volatile.Read(ref _retired)) _http.Dispose(); // nobody else holds a retired call
        }
    }

    /// <summary>A transport failure as Grpc.Net.Client reports it (Unavailable, the cause attached), so the error mapping stays the same.</summary>
    private async Task<T> Transport<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !_cancel.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Error starting or reading the gRPC call: {ex.Message}", ex));
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
        _http.Dispose();
        _requests.Dispose();
        _cancel.Dispose();
    }
}
