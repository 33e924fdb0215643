using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.EventSources;

public abstract partial class EventSourceContract
{
    [Fact]
    public async Task A_stream_prefix_filter_delivers_only_streams_with_that_prefix()
    {
        var head = await Store.ReadHeadPosition(Ct);
        await AppendNumbered("order-1", 0, 2);
        await AppendNumbered("invoice-1", 0, 2);
        await AppendNumbered("order-2", 0, 1);

        await using var probe = Subscribe(head, OwnStreams("order-"));
        await probe.WaitForCaughtUp(DeliveryTimeout);

        probe.Matching.Select(e => e.StreamId).Should().Equal(Prefix + "order-1", Prefix + "order-1", Prefix + "order-2");
        if (FiltersExactly) probe.AllEvents.Should().HaveCount(3);
    }

    [Fact]
    public async Task An_event_type_filter_delivers_only_those_types()
    {
        var head = await Store.ReadHeadPosition(Ct);
        await AppendNumbered("a", 0, 2, TypePrefix + "Shipped");
        await AppendNumbered("a", 2, 2, TypePrefix + "Packed");
        await AppendNumbered("b", 0, 1, TypePrefix + "Cancelled");

        var filter = new EventFilter { EventTypes = [TypePrefix + "Shipped", TypePrefix + "Cancelled"] };
        await using var probe = Subscribe(head, filter);
        await probe.WaitForCaughtUp(DeliveryTimeout);

        probe.Matching.Select(e => (e.EventType, TestEvents.NumberOf(e))).Should().Equal(
            (TypePrefix + "Shipped", 0), (TypePrefix + "Shipped", 1), (TypePrefix + "Cancelled", 0));
        if (FiltersExactly) probe.AllEvents.Should().HaveCount(3);
    }

    [Fact]
    public async Task A_sparse_filter_still_reports_progress_past_non_matching_events()
    {
        var head = await Store.ReadHeadPosition(Ct);
        await AppendNumbered("wanted-1", 0, 1);
        var lastUnwanted = await AppendUnwanted(500);

        await using var probe = Subscribe(head, OwnStreams("wanted-"));
        await probe.WaitFor(() => probe.FurthestReportedPosition >= lastUnwanted, DeliveryTimeout,
            $"a checkpoint or caught-up at or past {lastUnwanted} (furthest {probe.FurthestReportedPosition})");

        probe.Matching.Should().ContainSingle();
    }

    [Fact]
    public async Task A_sparse_filter_reports_progress_while_live()
    {
        var head = await Store.ReadHeadPosition(Ct);
        await using var probe = Subscribe(head, OwnStreams("wanted-"));
        await probe.WaitForCaughtUp(DeliveryTimeout);

        var lastUnwanted = await AppendUnwanted(500);

        await probe.WaitFor(() => probe.FurthestReportedPosition >= lastUnwanted, DeliveryTimeout,
            $"a checkpoint at or past {lastUnwanted} (furthest {probe.FurthestReportedPosition})");
        probe.Matching.Should().BeEmpty();
    }

    private async Task<GlobalPosition> AppendUnwanted(int count)
    {
        var requests = Enumerable.Range(0, count / 10)
            .Select(s => new AppendRequest(Prefix + $"other-{s}", ExpectedRevision.Any, TestEvents.Numbered(TypePrefix + "Noise", 0, 10)))
            .ToArray();
        var results = await Store.AppendMany(requests, Ct);
        return results.Max(r => r.Position);
    }
}
