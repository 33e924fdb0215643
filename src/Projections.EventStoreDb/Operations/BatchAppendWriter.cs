using System.Threading.Channels;
using Projections.Core.Events;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// The one writer of a store's appends: a long-lived loop that takes queued appends in arrival order
/// and writes each on one shared BatchAppend call, without waiting for earlier answers. At most
/// <see cref="MaxInFlight"/> appends are written and unanswered at a time; beyond that the loop waits
/// for answers, and appends queue up in order. When the call ends (server restart, leader change) the
/// appends waiting on it fail and the next append opens a new call, reconnecting if needed.
/// </summary>
internal sealed class BatchAppendWriter(EventStoreDbConnection connection) : IAsyncDisposable
{
    public const int MaxInFlight = 4096;

    private readonly Channel<QueuedAppend> _queue = Channel.CreateUnbounded<QueuedAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private BatchAppendCall? _call;

    /// <summary>Queues one append; the task completes with the server's answer for it.</summary>
    public Task<AppendResult> Append(AppendRequest request, CancellationToken cancellationToken)
    {
        var append = new QueuedAppend(request, cancellationToken);
        if (!_queue.Writer.TryWrite(append))
            return Task.FromException<AppendResult>(new ObjectDisposedException(nameof(EventStoreDbEventStore)));
        lock (_startLock) _loop ??= Task.Run(Run);
        return append.Completion;
    }

    private async Task Run()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
                while (_queue.Reader.TryRead(out var append))
                    await Send(append).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task Send(QueuedAppend append)
    {
        if (append.CancellationToken.IsCancellationRequested)
        {
            append.Cancel();
            return;
        }
        try
        {
            await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
            append.WhenSettled(() => _slots.Release());
            while (true)
            {
                BatchAppendCall call;
                try
                {
                    call = await CurrentCall().ConfigureAwait(false);
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    // Connecting failed: nothing was sent.
                    if (ex is EventStoreUnavailableException) BatchAppendErrorMapper.MarkNothingWritten(ex);
                    append.Fail(ex);
                    return;
                }
                var correlationId = Guid.NewGuid();
                if (!call.Pending.TryAdd(correlationId, append)) continue; // that call just ended: use the next
                await call.Write(correlationId, append).ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed while this append waited for a slot or a connection: it was not sent.
            append.Fail(new ObjectDisposedException(nameof(EventStoreDbEventStore)));
            throw;
        }
    }

    private async Task<BatchAppendCall> CurrentCall()
    {
        if (_call is { Pending.IsClosed: false, OnCurrentNode: true } open) return open;
        if (_call is { Pending.IsClosed: true } ended) await ended.DisposeAsync().ConfigureAwait(false);
        else _call?.Retire(); // the connection was reset (another call failed): answers still due come on the old call
        _call = null;
        var node = await connection.GetNode(_stopping.Token).ConfigureAwait(false);
        _call = new BatchAppendCall(connection, node);
        return _call;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop) await loop.ConfigureAwait(false);
        if (_call is { } call) await call.DisposeAsync().ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var append))
            append.Fail(new ObjectDisposedException(nameof(EventStoreDbEventStore)));
    }
}
