using FluentAssertions;
using Projections.Core.Ports;
using Projections.Hosting.Commands;
using Xunit;

namespace Projections.Hosting.Tests.CommandLine;

/// <summary>How <c>status</c> shows who writes each projection shard, and a writer that stopped renewing.</summary>
public sealed class StatusLeaseLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly LeaseKey Key = new("plant-items", 2, 0);

    [Fact]
    public void A_held_lease_names_its_writer_epoch_and_time_left()
    {
        StatusCommand.LeaseLine(new LeaseRecord(Key, "host-a", 3, Now.AddSeconds(8.2)), Now)
            .Should().Be("generation 2 shard 0: written by host-a (epoch 3), lease expires in 8.2 s");
    }

    [Fact]
    public void A_lease_that_ran_out_says_a_standby_takes_over()
    {
        StatusCommand.LeaseLine(new LeaseRecord(Key, "host-a", 3, Now.AddSeconds(-4)), Now)
            .Should().Be("generation 2 shard 0: host-a stopped renewing 4.0 s ago (epoch 3); a standby takes over");
    }

    [Fact]
    public void A_released_lease_is_free()
    {
        StatusCommand.LeaseLine(new LeaseRecord(Key, null, 4, Now), Now).Should().Be("generation 2 shard 0: free (epoch 4)");
    }
}
