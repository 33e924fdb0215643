using FluentAssertions;
using Projections.Core.Runtime;
using Projections.Core.Timers;

namespace Projections.Core.Tests;

/// <summary>The rule's conditions one by one (design.md "Stream time and timers").</summary>
public sealed class WallClockRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(false, "Live", 0, 60, StreamTimeAdvance.Disabled)]
    [InlineData(true, "Disconnected", 0, 60, StreamTimeAdvance.SourceDisconnected)]
    [InlineData(true, "CatchingUp", 0, 60, StreamTimeAdvance.CatchingUp)]
    [InlineData(true, "Live", 6, 60, StreamTimeAdvance.EventsBehind)]
    [InlineData(true, "Live", 5, 60, StreamTimeAdvance.Advancing)]
    [InlineData(true, "Live", 0, 5, StreamTimeAdvance.Advancing)]
    [InlineData(true, "Live", 0, 4, StreamTimeAdvance.FollowingEvents)]
    [InlineData(true, "Live", 0, 1, StreamTimeAdvance.FollowingEvents)]
    public void Each_condition_is_required(bool enabled, string source, int leadMinutes, int streamTimeBehindMinutes, StreamTimeAdvance expected)
    {
        var advance = WallClockRule.Evaluate(enabled, Enum.Parse<SourceState>(source), TimeSpan.FromMinutes(leadMinutes), Now,
            Now - TimeSpan.FromMinutes(streamTimeBehindMinutes), Lateness, out var target);

        advance.Should().Be(expected);
        target.Should().Be(Now - Lateness, "the wall clock never moves stream time past now minus the allowed lateness");
    }

    [Fact]
    public void Without_an_event_since_the_start_the_clock_waits_for_one() =>
        WallClockRule.Evaluate(true, SourceState.Live, null, Now, Now - TimeSpan.FromHours(1), Lateness, out _)
            .Should().Be(StreamTimeAdvance.Idle);
}
