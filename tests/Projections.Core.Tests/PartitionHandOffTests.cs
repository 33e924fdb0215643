using FluentAssertions;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// The reader hands events to partitions in batches while the source has more ready; before it waits for the source it
/// hands over what it holds, so a live event is applied at once, not at the next flush (design.md, invariant 1).
/// </summary>
public sealed class PartitionHandOffTests
{
    [Fact]
    public async Task A_live_event_is_applied_while_the_reader_waits_for_the_next_one_with_the_clock_standing_still()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        h.Append("c-0", new Bumped(0));
        await h.WaitForHead();
        var runtime = h.Runtime();

        // No time passes on the harness clock, so no timed flush (and no barrier) pushes anything along.
        h.Append("c-1", new Bumped(1));
        await Eventually.Until(() => runtime.GetLive("c-1") is not null, "the live event is applied", TestContext.Current.CancellationToken);

        runtime.GetLive("c-1")!.Version.Should().Be(1);
    }
}
