using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Testing.EventSources;

/// <summary>Runs a subscription in the background and records what it yields, for assertions and waits.</summary>
public sealed class SubscriptionProbe : IAsyncDisposable
{
    private readonly List<SubscriptionMessage> _messages = [];
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;
    private readonly EventFilter _filter;
    private Exception? _failure;

    private SubscriptionProbe(IEventSource source, GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken)
    {
        _filter = filter;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _run = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in source.Subscribe(after, filter, _stop.Token))
                    lock (_messages) _messages.Add(message);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
            catch (Exception e) { _failure = e; }
        });
    }

    public static SubscriptionProbe Start(IEventSource source, GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) =>
        new(source, after, filter, cancellationToken);

    public IReadOnlyList<SubscriptionMessage> Messages
    {
        get { lock (_messages) return _messages.ToArray(); }
    }

    /// <summary>Delivered events that match the filter (a source may deliver more than asked, never less).</summary>
    public IReadOnlyList<RecordedEvent> Matching => Messages
        .Where(m => m.Kind == SubscriptionMessageKind.Event && _filter.Matches(m.Event!.StreamId, m.Event.EventType))
        .Select(m => m.Event!).ToArray();

    public IReadOnlyList<RecordedEvent> AllEvents => Messages.Where(m => m.Kind == SubscriptionMessageKind.Event).Select(m => m.Event!).ToArray();

    public int CaughtUpCount => Messages.Count(m => m.Kind == SubscriptionMessageKind.CaughtUp);

    /// <summary>The furthest position reported by a Checkpoint or CaughtUp message.</summary>
    public GlobalPosition? FurthestReportedPosition => Messages
        .Where(m => m.Kind is SubscriptionMessageKind.Checkpoint or SubscriptionMessageKind.CaughtUp)
        .Select(m => (GlobalPosition?)m.Position).DefaultIfEmpty(null).Max();

    public Task WaitForMatching(int count, TimeSpan timeout) =>
        WaitFor(() => Matching.Count >= count, timeout, $"{count} matching events delivered (have {Matching.Count})");

    public Task WaitForCaughtUp(TimeSpan timeout) => WaitFor(() => CaughtUpCount > 0, timeout, "caught-up signalled");

    public async Task WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        await Eventually.Until(() => _failure is not null || condition(), timeout, what);
        if (_failure is not null) throw new InvalidOperationException($"The subscription failed while waiting for: {what}", _failure);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
