using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Pipeline;

namespace Projections.Core.Tests;

/// <summary>The detail view's recent-events ring allocates slots on demand but still keeps the last N, newest first.</summary>
public sealed class RecentEventsTests
{
    [Theory]
    [InlineData(5, 0)]
    [InlineData(5, 1)]
    [InlineData(5, 3)]
    [InlineData(5, 5)]
    [InlineData(5, 12)]
    [InlineData(1, 4)]
    [InlineData(8, 20)]
    public void Keeps_the_last_capacity_events_newest_first_while_growing_and_after_wrapping(int capacity, int added)
    {
        var ring = new RecentEvents(capacity);
        for (var v = 1; v <= added; v++)
            ring.Add("Bumped", "c-1", (ulong)(v - 1), GlobalPosition.Of((ulong)v * 10), DateTimeOffset.UnixEpoch.AddSeconds(v), v);

        var expected = Enumerable.Range(1, added).Reverse().Take(capacity).Select(v => (long)v).ToArray();
        var list = ring.ToList(maxVersion: added);
        list.Select(e => e.Version).Should().Equal(expected);
        list.Select(e => e.Position).Should().Equal(expected.Select(v => GlobalPosition.Of((ulong)v * 10)));
        list.Select(e => e.StreamRevision).Should().Equal(expected.Select(v => (ulong)(v - 1)));
    }

    [Fact]
    public void Leaves_out_events_newer_than_the_snapshot_being_read()
    {
        var ring = new RecentEvents(5);
        for (var v = 1; v <= 4; v++)
            ring.Add("Bumped", "c-1", (ulong)(v - 1), GlobalPosition.Of((ulong)v), DateTimeOffset.UnixEpoch, v);

        ring.ToList(maxVersion: 2).Select(e => e.Version).Should().Equal(2L, 1L);
    }
}
