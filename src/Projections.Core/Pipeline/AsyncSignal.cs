namespace Projections.Core.Pipeline;

/// <summary>
/// A wake-up signal for async loops. Waiters call <see cref="Prepare"/>, check their condition, then
/// await the returned task; a <see cref="Set"/> after Prepare is never lost.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = NewSource();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Prepare()
    {
        while (true)
        {
            var current = Volatile.Read(ref _tcs);
            if (!current.Task.IsCompleted) return current.Task;
            var fresh = NewSource();
            if (Interlocked.CompareExchange(ref _tcs, fresh, current) == current) return fresh.Task;
        }
    }

    public void Set() => Volatile.Read(ref _tcs).TrySetResult();
}
