using System.Runtime.CompilerServices;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Sources written as C# async iterators (the SQLite and EventStoreDB ones are) throw when disposed
/// while a MoveNextAsync is pending; stopping a live, idle projection must still be a clean stop.
/// </summary>
public sealed class StopWhileWaitingTests
{
    [Fact]
    public async Task Stopping_while_the_reader_waits_for_events_is_a_clean_stop()
    {
        var h = Harness.Create(new CounterProjection());
        var source = new AsyncIteratorSource(h.Events);
        // The idle tick (wall-clock advance) is what ends the wait before the iterator has seen the cancellation.
        var engine = new ProjectionEngine(source, h.Store, h.Projections, Harness.DefaultOptions with { WallClockAdvancesIdleStreamTime = true }, h.Time);
        await engine.StartAsync(Harness.Cancel());
        h.Append("c-1", new Bumped(0));
        var head = await h.Events.ReadHeadPosition(Harness.Cancel());
        var runtime = engine.Find("counter")!;
        await runtime.WaitForCheckpoint(head, Harness.Cancel());
        await Eventually.Until(() => source.WaitingForEvents, "the reader waits inside the iterator", TestContext.Current.CancellationToken);

        await engine.StopAsync(Harness.Cancel());

        runtime.Status.Should().Be(ProjectionStatus.Stopped);
        runtime.Error.Should().BeNull("a requested stop is not a failure");
    }

    private sealed class AsyncIteratorSource(IEventSource inner) : IEventSource
    {
        private volatile bool _waiting;
        public bool WaitingForEvents => _waiting;
        public string Description => "async iterator over " + inner.Description;

        public async IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Like a polling source, it notices a cancellation only at its next poll, not at once.
            await using var messages = inner.Subscribe(after, filter, CancellationToken.None).GetAsyncEnumerator(CancellationToken.None);
            while (true)
            {
                _waiting = true;
                var move = messages.MoveNextAsync().AsTask();
                while (!move.IsCompleted)
                {
                    await Task.WhenAny(move, Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System));
                    cancellationToken.ThrowIfCancellationRequested();
                }
                if (!await move) yield break;
                _waiting = false;
                yield return messages.Current;
            }
        }

        public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) => inner.ReadHeadPosition(cancellationToken);
        public IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken cancellationToken) => inner.ReadStreamForward(streamId, cancellationToken);
        public IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) => inner.ReadAllForward(after, filter, cancellationToken);
    }
}
