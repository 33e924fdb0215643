using FluentAssertions;
using Projections.Core.Replay;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 1: all events of one key are applied in global order.</summary>
public sealed class PerKeyOrderTests
{
    [Fact]
    public async Task Events_of_each_key_are_applied_in_stream_order_across_partitions()
    {
        await using var h = await Harness.Started(Harness.DefaultOptions with { Partitions = 4, PartitionQueueCapacity = 8 }, new CounterProjection());
        const int keys = 40, perKey = 30;
        for (var seq = 0; seq < perKey; seq++)
            for (var k = 0; k < keys; k++)
                h.Append($"c-{k}", new Bumped(seq));
        await h.WaitForHead();

        var expectedTrail = string.Concat(Enumerable.Range(0, perKey).Select(i => i + ","));
        for (var k = 0; k < keys; k++)
        {
            var live = h.Runtime().GetLive($"c-{k}");
            live.Should().NotBeNull();
            ((Counter)live!.State).Trail.Should().Be(expectedTrail, $"key c-{k} must see its events in order");
            live.Version.Should().Be(perKey);
        }
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Fan_out_applies_one_event_to_every_key_it_names()
    {
        await using var h = await Harness.Started(null, new StationProjection());
        for (var i = 0; i < 30; i++) h.Append($"item-{i}", new ItemSeen($"s{i % 3}", Harness.T0.AddMinutes(i)));
        await h.WaitForHead("stations");

        h.Runtime("stations").GetLive("all")!.State.Should().Be(new Station("all", 30));
        for (var s = 0; s < 3; s++) h.Runtime("stations").GetLive($"s{s}")!.State.Should().Be(new Station($"s{s}", 10));
        var replay = ProjectionReplayer.Replay(new StationProjection(), await h.AllEvents());
        replay.Aggregates.Keys.Should().BeEquivalentTo(["all", "s0", "s1", "s2"]);
    }
}
