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

    [Fact]
    public async Task After_the_server_restarts_the_subscription_resumes_without_skipping()
    {
        if (RestartUnsupportedReason is { } reason) Assert.Skip(reason);
        var head = await Store.ReadHeadPosition(Ct);
        var expected = new List<GlobalPosition>();
        await using var probe = Subscribe(head, OwnStreams());
        for (var i = 0; i < 10; i++) expected.Add((await AppendNumbered($"s-{i}", 0, 1)).Position);
        await probe.WaitForMatching(10, DeliveryTimeout);

        await RestartServer(Ct);
        for (var i = 10; i < 20; i++) expected.Add((await AppendNumbered($"s-{i}", 0, 1)).Position);
        await probe.WaitFor(() => probe.Matching.Select(e => e.Position).Distinct().Count() >= 20, DeliveryTimeout, "all 20 events delivered across the restart");

        // A duplicate after a reconnect is allowed (the engine's replay absorbs it); a gap is not.
        probe.Matching.Select(e => e.Position).Distinct().Should().Equal(expected);

        // The consumer must not count as live across the outage: Disconnected, then CaughtUp again after it.
        await probe.WaitFor(() => CaughtUpAfterLastDisconnect(probe), DeliveryTimeout, "caught-up again after the disconnect");
        var messages = probe.Messages.ToList();
        var disconnected = messages.FindIndex(m => m.Kind == SubscriptionMessageKind.Disconnected);
        disconnected.Should().BeGreaterThan(messages.FindIndex(m => m.Kind == SubscriptionMessageKind.CaughtUp),
            "the subscription says it lost the connection after it had caught up");
        messages.Take(disconnected).Count(m => m.Kind == SubscriptionMessageKind.Event && probe.Matching.Contains(m.Event!))
            .Should().BeGreaterThanOrEqualTo(10, "the outage came after the first ten events");
    }

    private static bool CaughtUpAfterLastDisconnect(SubscriptionProbe probe)
    {
        var messages = probe.Messages.ToList();
        var lastDisconnect = messages.FindLastIndex(m => m.Kind == SubscriptionMessageKind.Disconnected);
        return lastDisconnect >= 0 && messages.FindLastIndex(m => m.Kind == SubscriptionMessageKind.CaughtUp) > lastDisconnect;
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
