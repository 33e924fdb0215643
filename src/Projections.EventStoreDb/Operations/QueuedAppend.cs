using Projections.Core.Events;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// One append waiting for the BatchAppend writer loop and then for its answer. It settles exactly
/// once; settling gives back the in-flight slot it took when it was written.
/// </summary>
internal sealed class QueuedAppend(AppendRequest request, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<AppendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _onSettled;

    public AppendRequest Request => request;
    public CancellationToken CancellationToken => cancellationToken;
    public Task<AppendResult> Completion => _completion.Task;

    /// <summary>Runs <paramref name="onSettled"/> once when the append settles (at once if it already has).</summary>
    public void WhenSettled(Action onSettled)
    {
        Volatile.Write(ref _onSettled, onSettled);
        if (_completion.Task.IsCompleted) Settled();
    }

    public void Succeed(AppendResult result)
    {
        if (_completion.TrySetResult(result)) Settled();
    }

    public void Fail(Exception failure)
    {
        if (_completion.TrySetException(failure)) Settled();
    }

    public void Cancel()
    {
        if (_completion.TrySetCanceled(cancellationToken)) Settled();
    }

    private void Settled() => Interlocked.Exchange(ref _onSettled, null)?.Invoke();
}
