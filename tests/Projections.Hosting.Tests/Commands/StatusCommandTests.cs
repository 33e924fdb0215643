using FluentAssertions;
using Xunit;
using Projections.Hosting.Commands;

namespace Projections.Hosting.Tests.Commands;

public sealed class StatusCommandTests
{
    [Fact]
    public void Status_shows_the_checkpoint_stream_time_and_how_far_the_wall_clock_is_ahead_of_it()
    {
        var streamTime = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

        StatusCommand.StreamTime(streamTime, streamTime + TimeSpan.FromMinutes(125))
            .Should().Be(", stream time 2026-01-01T08:00:00Z (wall clock 2h 05m ahead)");
        StatusCommand.StreamTime(streamTime, streamTime - TimeSpan.FromDays(3))
            .Should().Be(", stream time 2026-01-01T08:00:00Z (wall clock 3d 00h behind)");
    }
}
