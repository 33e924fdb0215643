using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

public sealed class InMemoryEventStoreTests
{
    private static EventData Event(string type = "Bumped") => new(Guid.NewGuid(), type, "{}"u8.ToArray());

    [Fact]
    public async Task Appends_check_the_expected_revision_and_number_the_global_log_from_one()
    {
        var store = new InMemoryEventStore();
        var first = await store.Append("s-1", ExpectedRevision.NoStream, [Event(), Event()], Harness.Cancel());
        first.Should().Be(new AppendResult(1, GlobalPosition.Of(2)));
        var second = await store.Append("s-2", ExpectedRevision.Any, [Event()], Harness.Cancel());
        second.Position.Should().Be(GlobalPosition.Of(3));
        await store.Append("s-1", ExpectedRevision.Exact(1), [Event()], Harness.Cancel());

        var wrong = await FluentActions.Awaiting(() => store.Append("s-1", ExpectedRevision.Exact(0), [Event()], Harness.Cancel()))
            .Should().ThrowAsync<WrongExpectedVersionException>();
        wrong.Which.ActualRevision.Should().Be(2);
        await FluentActions.Awaiting(() => store.Append("s-9", ExpectedRevision.StreamExists, [Event()], Harness.Cancel()))
            .Should().ThrowAsync<WrongExpectedVersionException>().WithMessage("*'s-9'*no stream*");

        var stream = new List<RecordedEvent>();
        await foreach (var e in store.ReadStreamForward("s-1", Harness.Cancel())) stream.Add(e);
        stream.Select(e => e.StreamRevision).Should().Equal(0UL, 1UL, 2UL);
        (await store.ReadHeadPosition(Harness.Cancel())).Should().Be(GlobalPosition.Of(4));
    }

    [Fact]
    public async Task A_subscription_says_caught_up_once_reports_skipped_positions_and_wakes_on_append()
    {
        var store = new InMemoryEventStore();
        await store.Append("a-1", ExpectedRevision.Any, [Event()], Harness.Cancel());
        await store.Append("b-1", ExpectedRevision.Any, [Event(), Event()], Harness.Cancel());
        var filter = new EventFilter { StreamPrefixes = ["a-"] };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var messages = store.Subscribe(null, filter, cts.Token).GetAsyncEnumerator(cts.Token);

        async Task<SubscriptionMessage> Next()
        {
            (await messages.MoveNextAsync()).Should().BeTrue();
            return messages.Current;
        }

        (await Next()).Should().Be(SubscriptionMessage.ForEvent(await EventAt(store, 1)));
        (await Next()).Should().Be(SubscriptionMessage.ForCheckpoint(GlobalPosition.Of(3)));
        (await Next()).Kind.Should().Be(SubscriptionMessageKind.CaughtUp);

        var pending = Next();
        pending.IsCompleted.Should().BeFalse();
        await store.Append("a-2", ExpectedRevision.Any, [Event()], Harness.Cancel());
        var live = await pending;
        live.Kind.Should().Be(SubscriptionMessageKind.Event);
        live.Event!.StreamId.Should().Be("a-2");
        live.Position.Should().Be(GlobalPosition.Of(4));
    }

    private static async Task<RecordedEvent> EventAt(InMemoryEventStore store, int position)
    {
        await foreach (var e in store.ReadAllForward(GlobalPosition.Of((ulong)position - 1), EventFilter.All, Harness.Cancel())) return e;
        throw new InvalidOperationException("no event");
    }

    [Fact]
    public async Task A_subscription_after_a_position_starts_with_the_next_event()
    {
        var store = new InMemoryEventStore();
        for (var i = 0; i < 5; i++) await store.Append($"a-{i}", ExpectedRevision.Any, [Event()], Harness.Cancel());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var messages = store.Subscribe(GlobalPosition.Of(3), EventFilter.All, cts.Token).GetAsyncEnumerator(cts.Token);
        (await messages.MoveNextAsync()).Should().BeTrue();
        messages.Current.Position.Should().Be(GlobalPosition.Of(4));
    }
}
