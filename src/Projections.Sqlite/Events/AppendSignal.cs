namespace Projections.Sqlite.Events;

/// <summary>Wakes live subscriptions of the same store instance as soon as an append commits.</summary>
internal sealed class AppendSignal
{
    private TaskCompletionSource _next = New();

    /// <summary>Completes at the next append. Take it before reading, so an append during the read is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
