using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.EventSources;

public abstract partial class EventSourceContract
{
    [Fact]
    public async Task Subscribing_from_the_start_delivers_every_event_in_global_order_then_caught_up()
    {
        await AppendNumbered("a", 0, 3);
        await AppendNumbered("b", 0, 2);
        await AppendNumbered("a", 3, 2);

        await using var probe = Subscribe(null, OwnStreams());
        await probe.WaitForCaughtUp(DeliveryTimeout);

        probe.Matching.Select(e => (e.StreamId, TestEvents.NumberOf(e))).Should().Equal(
            (Prefix + "a", 0), (Prefix + "a", 1), (Prefix + "a", 2), (Prefix + "b", 0), (Prefix + "b", 1), (Prefix + "a", 3), (Prefix + "a", 4));
        probe.AllEvents.Select(e => e.Position).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        AssertCaughtUpAfter(probe, probe.Matching.Count);
    }

    [Fact]
    public async Task Subscribing_after_a_middle_position_starts_right_after_it()
    {
        await AppendNumbered("a", 0, 5);
        var middle = (await Store.ReadStreamForward(Prefix + "a", Ct).ToListAsync(Ct))[2].Position;

        await using var probe = Subscribe(middle, OwnStreams());
        await probe.WaitForCaughtUp(DeliveryTimeout);

        probe.Matching.Select(TestEvents.NumberOf).Should().Equal(3, 4);
        probe.AllEvents.Should().OnlyContain(e => e.Position > middle);
    }

    [Fact]
    public async Task Subscribing_from_the_head_delivers_only_later_events()
    {
        await AppendNumbered("a", 0, 5);
        var head = await Store.ReadHeadPosition(Ct);

        await using var probe = Subscribe(head, OwnStreams());
        await probe.WaitForCaughtUp(DeliveryTimeout);
        probe.Matching.Should().BeEmpty();

        await AppendNumbered("a", 5, 2);
        await probe.WaitForMatching(2, DeliveryTimeout);

        probe.Matching.Select(TestEvents.NumberOf).Should().Equal(5, 6);
    }

    [Fact]
    public async Task Caught_up_is_signalled_once_after_the_events_written_before_subscribing()
    {
        var head = await Store.ReadHeadPosition(Ct);
        await AppendNumbered("a", 0, 20);

        await using var probe = Subscribe(head, OwnStreams());
        await probe.WaitForCaughtUp(DeliveryTimeout);
        AssertCaughtUpAfter(probe, 20);

        await AppendNumbered("a", 20, 5);
        await probe.WaitForMatching(25, DeliveryTimeout);

        probe.CaughtUpCount.Should().Be(1);
    }

    [Fact]
    public async Task An_event_appended_after_caught_up_is_delivered_live()
    {
        var head = await Store.ReadHeadPosition(Ct);
        await using var probe = Subscribe(head, OwnStreams());
        await probe.WaitForCaughtUp(DeliveryTimeout);

        var appended = await AppendNumbered("live", 0, 1);
        await probe.WaitForMatching(1, DeliveryTimeout);

        probe.Matching.Should().ContainSingle().Which.Position.Should().Be(appended.Position);
    }

    [Fact]
    public async Task Thousands_of_interleaved_streams_keep_per_stream_and_global_order()
    {
        const int streams = 2000, rounds = 3;
        var head = await Store.ReadHeadPosition(Ct);
        for (var round = 0; round < rounds; round++)
        {
            var requests = Enumerable.Range(0, streams)
                .Select(s => new AppendRequest(Prefix + $"item-{s}", ExpectedRevision.Any, [TestEvents.Numbered(TypePrefix + "Detected", round)]))
                .ToArray();
            await Store.AppendMany(requests, Ct);
        }

        await using var probe = Subscribe(head, OwnStreams());
        await probe.WaitForMatching(streams * rounds, DeliveryTimeout);

        var delivered = probe.Matching;
        delivered.Should().HaveCount(streams * rounds);
        delivered.Select(e => e.Position).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        foreach (var stream in delivered.GroupBy(e => e.StreamId))
        {
            stream.Select(e => e.StreamRevision).Should().Equal(0UL, 1UL, 2UL);
            stream.Select(TestEvents.NumberOf).Should().Equal(0, 1, 2);
        }
        delivered.Select(e => e.StreamId).Distinct().Should().HaveCount(streams);
    }

    private static void AssertCaughtUpAfter(SubscriptionProbe probe, int matchingEvents)
    {
        var messages = probe.Messages;
        var caughtUpAt = messages.ToList().FindIndex(m => m.Kind == SubscriptionMessageKind.CaughtUp);
        caughtUpAt.Should().BeGreaterThanOrEqualTo(0, "the subscription must say when it has caught up");
        messages.Take(caughtUpAt).Count(m => m.Kind == SubscriptionMessageKind.Event && probe.Matching.Contains(m.Event!))
            .Should().Be(matchingEvents, "every event written before subscribing comes before caught-up");
    }
}
