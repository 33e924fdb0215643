using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.Tests.Support;

/// <summary>
/// A source whose connection the test breaks and restores, as the EventStoreDB subscription behaves:
/// <see cref="Disconnect"/> yields Disconnected and withholds everything after it; <see cref="Reconnect"/>
/// delivers what was withheld and then CaughtUp.
/// </summary>
public sealed class OutageSource(IEventSource inner) : IEventSource
{
    private readonly object _sync = new();
    private readonly Channel<SubscriptionMessage> _delivered = Channel.CreateUnbounded<SubscriptionMessage>();
    private readonly List<SubscriptionMessage> _withheld = [];
    private GlobalPosition _last = GlobalPosition.Start;
    private bool _down;

    public string Description => "outage source over " + inner.Description;

    public void Disconnect()
    {
        lock (_sync)
        {
            _down = true;
            _delivered.Writer.TryWrite(SubscriptionMessage.ForDisconnected(_last, "the test cut the connection", TimeSpan.Zero));
        }
    }

    public void Reconnect()
    {
        lock (_sync)
        {
            _down = false;
            foreach (var m in _withheld) _delivered.Writer.TryWrite(m);
            _withheld.Clear();
            _delivered.Writer.TryWrite(SubscriptionMessage.ForCaughtUp(_last));
        }
    }

    public async IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pump = Task.Run(() => Pump(after, filter, cancellationToken), cancellationToken);
        while (true)
        {
            if (pump.IsFaulted) await pump.ConfigureAwait(false);
            yield return await _delivered.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task Pump(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken)
    {
        await foreach (var m in inner.Subscribe(after, filter, cancellationToken).ConfigureAwait(false))
        {
            lock (_sync)
            {
                if (m.Kind != SubscriptionMessageKind.CaughtUp && m.Position > _last) _last = m.Position;
                if (_down) _withheld.Add(m);
                else _delivered.Writer.TryWrite(m);
            }
        }
    }

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) => inner.ReadHeadPosition(cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken cancellationToken) => inner.ReadStreamForward(streamId, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) =>
        inner.ReadAllForward(after, filter, cancellationToken);
}
