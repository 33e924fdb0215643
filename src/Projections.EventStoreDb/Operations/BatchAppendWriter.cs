using System.Threading.Channels;
using Projections.Core.Events;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// The one writer of a store's appends: a long-lived loop that takes queued appends in arrival order
/// and writes them on one shared BatchAppend call, without waiting for earlier answers: each pass takes
/// what is queued (up to <see cref="MaxPerPass"/>) and writes it with one flush. At most
/// <see cref="MaxInFlight"/> appends are written and unanswered at a time; beyond that the loop waits
/// for answers, and appends queue up in order. When the call ends (server restart, leader change) the
/// appends waiting on it fail and the next append opens a new call, reconnecting if needed.
/// </summary>
internal sealed class BatchAppendWriter(EventStoreDbConnection connection) : IAsyncDisposable
{
    public const int MaxInFlight = 4096;
    public const int MaxPerPass = 512;

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
        var pass = new List<QueuedAppend>(MaxPerPass);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                await TakePass(pass).ConfigureAwait(false);
                if (pass.Count > 0) await SendGuarded(pass).ConfigureAwait(false);
                pass.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed while these appends waited for a slot or a connection: they were not sent.
            foreach (var append in pass) append.Fail(new ObjectDisposedException(nameof(EventStoreDbEventStore)));
        }
    }

    /// <summary>Takes queued appends in order while in-flight slots are free; waits only for the first slot.</summary>
    private async Task TakePass(List<QueuedAppend> pass)
    {
        while (pass.Count < MaxPerPass)
        {
            if (pass.Count == 0) await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
            else if (!_slots.Wait(0)) return;
            if (!_queue.Reader.TryRead(out var append))
            {
                _slots.Release();
                return;
            }
            if (append.CancellationToken.IsCancellationRequested)
            {
                append.Cancel();
                _slots.Release();
                continue;
            }
            append.WhenSettled(() => _slots.Release());
            pass.Add(append);
        }
    }

    /// <summary>
    /// The loop is the only writer of every append the store will ever take: a fault of this client while
    /// sending fails the appends of that pass with it (their outcome unknown) and the loop goes on with a
    /// new call, so no later append waits forever on a loop that ended.
    /// </summary>
    private async Task SendGuarded(List<QueuedAppend> pass)
    {
        try
        {
            BeforeSend?.Invoke(pass.Count);
            await Send(pass).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            var failure = new EventStoreUnavailableException(
                $"EventStoreDB batch append failed in the client ({ex.GetType().Name}: {ex.Message}); the outcome of these appends is unknown (retry with the same event ids).", ex);
            foreach (var append in pass) append.Fail(failure);
            _call?.Retire();
            _call = null;
        }
    }

    /// <summary>Test seam: runs before each pass is sent, with its number of appends; a throw stands for a fault of this client.</summary>
    internal Action<int>? BeforeSend { get; set; }

    private async Task Send(List<QueuedAppend> pass)
    {
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
                foreach (var append in pass) append.Fail(ex);
                return;
            }
            var requests = pass.Select(append => (Guid.NewGuid(), append)).ToList();
            if (!call.Pending.TryAdd(requests)) continue; // that call just ended: use the next
            await call.Write(requests).ConfigureAwait(false);
            return;
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
