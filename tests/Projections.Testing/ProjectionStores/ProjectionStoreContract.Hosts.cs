using FluentAssertions;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

/// <summary>The host registry beside the leases (design.md "Several hosts"): which hosts are up, and which of them writes.</summary>
public abstract partial class ProjectionStoreContract
{
    private IHostRegistry Hosts => Store as IHostRegistry
        ?? throw new InvalidOperationException($"{Store.GetType().Name} does not implement {nameof(IHostRegistry)}: status could not name the hosts.");

    /// <summary>Host ids unique to this test: a shared server holds other tests' hosts too.</summary>
    private string HostId(string name) => $"{Projection}-{name}";

    private async Task<HostRecord?> Host(string name) => (await Hosts.ReadHosts(Ct)).SingleOrDefault(h => h.Id == HostId(name));

    [Fact]
    public async Task A_heartbeat_records_the_host_alive_with_its_address_and_the_leases_it_holds()
    {
        await EnsureOwnProjection();
        await Hosts.Heartbeat(new HostBeat(HostId("a"), "http://127.0.0.1:5001"), Long, Long, Ct);
        await Hosts.Heartbeat(new HostBeat(HostId("b"), null), Long, Long, Ct);

        var lease = await Acquire(HostId("a"), Long);

        var a = (await Host("a"))!;
        a.Address.Should().Be("http://127.0.0.1:5001");
        a.Alive.Should().BeTrue();
        a.Holds.Should().Equal(lease.Key);
        a.Standby.Should().BeFalse();
        a.LastHeartbeat.Should().BeOnOrAfter(a.StartedAt);
        var b = (await Host("b"))!;
        b.Should().BeEquivalentTo(new { Address = (string?)null, Alive = true, Holds = Array.Empty<LeaseKey>(), Standby = true });
        (await Hosts.ReadHosts(Ct)).Select(h => h.Id).Where(id => id.StartsWith(Projection)).Should().Equal([HostId("a"), HostId("b")], "hosts are listed in the order they started");
    }

    [Fact]
    public async Task A_later_heartbeat_keeps_when_the_host_started_and_updates_its_address()
    {
        await Hosts.Heartbeat(new HostBeat(HostId("a"), null), Long, Long, Ct);
        var first = (await Host("a"))!;

        await Eventually.Until(async () =>
        {
            await Hosts.Heartbeat(new HostBeat(HostId("a"), "http://127.0.0.1:5001"), Long, Long, Ct);
            return (await Host("a"))!.LastHeartbeat > first.LastHeartbeat;
        }, TimeSpan.FromSeconds(10), "a second heartbeat is recorded later than the first", Ct);

        var later = (await Host("a"))!;
        later.StartedAt.Should().Be(first.StartedAt);
        later.Address.Should().Be("http://127.0.0.1:5001", "the address is known only once the web server listens");
    }

    [Fact]
    public async Task A_host_whose_heartbeat_ran_out_is_gone_and_so_is_one_that_signed_off()
    {
        await EnsureOwnProjection();
        await Hosts.Heartbeat(new HostBeat(HostId("crashed"), null), Short, Long, Ct);
        await Hosts.Heartbeat(new HostBeat(HostId("stopped"), null), Long, Long, Ct);
        await Acquire(HostId("crashed"), Short);

        await Hosts.SignOff(HostId("stopped"), Ct);

        (await Host("stopped"))!.Alive.Should().BeFalse("a clean stop signs off at once");
        await Eventually.Until(async () => (await Host("crashed"))!.Alive == false, TimeSpan.FromSeconds(10), "the crashed host's heartbeat runs out", Ct);
        await Eventually.Until(async () => (await Host("crashed"))!.Holds.Count == 0, TimeSpan.FromSeconds(10), "an expired lease is not shown as held", Ct);
        (await Host("crashed"))!.Standby.Should().BeFalse("a gone host is no standby");
    }

    [Fact]
    public async Task Hosts_gone_longer_than_the_forget_time_are_forgotten_and_live_ones_kept()
    {
        await Hosts.Heartbeat(new HostBeat(HostId("old"), null), Short, Long, Ct);
        await Hosts.Heartbeat(new HostBeat(HostId("idle"), null), Long, Long, Ct);
        await Eventually.Until(async () => (await Host("old"))!.Alive == false, TimeSpan.FromSeconds(10), "the old host's heartbeat runs out", Ct);

        await Eventually.Until(async () =>
        {
            await Hosts.Heartbeat(new HostBeat(HostId("new"), null), Long, Short, Ct);
            return await Host("old") is null;
        }, TimeSpan.FromSeconds(10), "a heartbeat forgets a host gone longer than the forget time", Ct);

        (await Host("idle"))!.Alive.Should().BeTrue("only gone hosts are forgotten");
        (await Host("new")).Should().NotBeNull();
    }
}
