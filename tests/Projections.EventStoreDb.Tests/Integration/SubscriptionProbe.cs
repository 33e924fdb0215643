using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>Runs a subscription in the background and records what it yields, for tests to wait on.</summary>
public sealed class SubscriptionProbe : IAsyncDisposable
{
    private readonly List<SubscriptionMessage> _messages = [];
    private readonly CancellationTokenSource _cancel = new();
    private readonly Task _run;

    public SubscriptionProbe(IEventSource source, GlobalPosition? after, EventFilter filter)
    {
        _run = Task.Run(async () =>
        {
            await foreach (var m in source.Subscribe(after, filter, _cancel.Token))
                lock (_messages) _messages.Add(m);
        });
    }

    public IReadOnlyList<SubscriptionMessage> Messages { get { lock (_messages) return _messages.ToList(); } }

    public IReadOnlyList<RecordedEvent> Events =>
        Messages.Where(m => m.Kind == SubscriptionMessageKind.Event).Select(m => m.Event!).ToList();

    /// <summary>Waits until the recorded messages satisfy <paramref name="condition"/>, or fails after the deadline.</summary>
    public async Task WaitUntil(Func<IReadOnlyList<SubscriptionMessage>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition(Messages))
        {
            if (_run.IsFaulted) throw new InvalidOperationException($"The subscription failed while waiting for {what}.", _run.Exception);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}; got {Messages.Count} messages: {string.Join(", ", Messages.TakeLast(5).Select(m => $"{m.Kind}@{m.Position}"))}.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        try { await _run; }
        catch (OperationCanceledException) { }
        _cancel.Dispose();
    }
}
