using FluentAssertions;
using Projections.Core.Ports;
using Projections.Hosting.Commands;
using Xunit;

namespace Projections.Hosting.Tests.CommandLine;

/// <summary>How <c>status</c> lists the hosts sharing the store: which one writes, which are standbys, which are gone.</summary>
public sealed class StatusHostLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Started = Now.AddMinutes(-2).AddSeconds(-5);

    [Fact]
    public void A_writing_host_names_what_it_writes_its_address_and_heartbeat()
    {
        StatusCommand.HostLine(new HostRecord("host-b", "http://127.0.0.1:5001", Started, Now.AddSeconds(-0.4), true,
                [new LeaseKey("plant-items", 1, 0), new LeaseKey("station-load", 2, 0)]), Now)
            .Should().Be("host-b at http://127.0.0.1:5001: writing plant-items (generation 1 shard 0), station-load (generation 2 shard 0); heartbeat 0.4 s ago, up 2m 05s");
    }

    [Fact]
    public void An_alive_host_holding_nothing_is_a_standby()
    {
        StatusCommand.HostLine(new HostRecord("host-a", null, Started, Now.AddSeconds(-0.8), true, []), Now)
            .Should().Be("host-a: standby; heartbeat 0.8 s ago, up 2m 05s");
    }

    [Fact]
    public void A_host_whose_heartbeat_ran_out_is_gone()
    {
        StatusCommand.HostLine(new HostRecord("host-c", "http://127.0.0.1:5003", Started, Now.AddSeconds(-42), false, []), Now)
            .Should().Be("host-c at http://127.0.0.1:5003: gone, last heartbeat 42.0 s ago");
    }
}
