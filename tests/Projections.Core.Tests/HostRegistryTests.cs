using FluentAssertions;
using Projections.Core.Ports;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Every engine records itself in the store's host registry while it runs and signs off when it stops
/// (the registry rules per store are in the contract suite; real hosts in PlantTracking.Tests SeveralHostsTests).
/// </summary>
public sealed class HostRegistryTests
{
    [Fact]
    public async Task The_registry_names_the_writer_and_the_standby_and_a_stopped_engine_as_gone()
    {
        var first = Harness.Create(new CounterProjection());
        first.Append("c-1", new Bumped(1));
        await first.Start();
        await first.WaitForHead();
        var second = first.Restarted();
        await second.Start();
        await using var _ = second;

        first.Engine.Address = () => "http://127.0.0.1:5001";
        var hosts = await global::Projections.Testing.Eventually.Get(() => first.Store.ReadHosts(Harness.Cancel()), h =>
        {
            first.Time.Advance(TimeSpan.FromSeconds(1)); // the next heartbeat reads the address, known once the web server listens
            return h.Any(x => x.Address is not null);
        }, "the writer's address in the registry");

        hosts.Select(h => h.Id).Should().Equal(first.Engine.HostId, second.Engine.HostId);
        hosts[0].Should().BeEquivalentTo(new { Address = "http://127.0.0.1:5001", Alive = true, Holds = new[] { new LeaseKey("counter", 1, 0) } });
        hosts[1].Should().BeEquivalentTo(new { Alive = true, Standby = true });

        await first.DisposeAsync();

        var stopped = (await first.Store.ReadHosts(Harness.Cancel())).Single(h => h.Id == first.Engine.HostId);
        stopped.Alive.Should().BeFalse("a clean stop signs off at once");
        stopped.Holds.Should().BeEmpty("it released its leases before signing off");
    }
}
