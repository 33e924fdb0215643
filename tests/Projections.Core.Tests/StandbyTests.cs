using FluentAssertions;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Two engines on one store (the in-memory lease rules; multi-process behaviour is tested with real
/// hosts in Host.Tests/EndToEnd/SeveralHostsTests): one writes, the other is a standby with no live state.
/// </summary>
public sealed class StandbyTests
{
    [Fact]
    public async Task Only_one_engine_writes_and_a_clean_stop_hands_over_to_the_standby()
    {
        var first = Harness.Create(new CounterProjection());
        var fences = new List<Lease?>();
        first.Store.AfterWrite = batch => fences.Add(batch.Fence);
        for (var i = 0; i < 20; i++) first.Append($"c-{i % 4}", new Bumped(i));
        await first.Start();
        await first.WaitForHead();
        var second = first.Restarted();
        await second.Start();

        first.Runtime().Status.Should().Be(ProjectionStatus.Live);
        second.Runtime().Status.Should().Be(ProjectionStatus.Standby);
        second.Runtime().GetLive("c-1").Should().BeNull("a standby has no live state to serve");
        (await second.Runtime().LoadPersisted("c-1", Harness.Cancel()))!.Version.Should().Be(5, "it reads the store instead");

        await first.DisposeAsync();
        await Eventually.Until(() =>
        {
            second.Time.Advance(TimeSpan.FromSeconds(1)); // the standby checks the lease every LeaseRenewInterval
            return second.Runtime().Status == ProjectionStatus.Live;
        }, "the standby takes over after the holder released", TestContext.Current.CancellationToken);
        for (var i = 20; i < 30; i++) second.Append($"c-{i % 4}", new Bumped(i));
        await second.WaitForHead();
        await second.DisposeAsync();

        fences.Should().NotContainNulls("every batch is fenced");
        fences.Select(f => f!.Owner).Distinct().Should().HaveCount(2);
        fences.Select(f => f!.Epoch).Should().BeInAscendingOrder("the writer changes only forward");
        (await second.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task A_rebuild_started_on_the_standby_is_built_once_and_the_old_holder_follows_the_switch()
    {
        var first = Harness.Create(new CounterProjection());
        for (var i = 0; i < 20; i++) first.Append($"c-{i % 4}", new Bumped(i));
        await first.Start();
        await using var _ = first;
        await first.WaitForHead();
        var second = first.Restarted();
        await second.Start();
        await using var __ = second;

        var generation2Writers = new List<string>();
        first.Store.AfterWrite = batch => { if (batch.Generation == 2) lock (generation2Writers) generation2Writers.Add(batch.Fence!.Owner); };
        await second.Engine.StartRebuild("counter", Harness.Cancel());

        // Whichever host takes generation 2's lease first builds it (the one that started the rebuild or the holder, whose
        // lease round may see the new generation first); the other follows the switch as a standby.
        var runtimes = new[] { (ProjectionRuntime)first.Runtime(), (ProjectionRuntime)second.Runtime() };
        await Eventually.Until(() =>
        {
            first.Time.Advance(TimeSpan.FromSeconds(1)); // both engines' lease rounds run on the harness's one clock
            // The switching host drops generation 1 after it let the old pipeline go, so the drop may come after the switch is seen.
            return runtimes.All(r => r.ActiveGeneration == 2)
                && runtimes.Count(r => r.Status == ProjectionStatus.Live) == 1
                && runtimes.Count(r => r.Status == ProjectionStatus.Standby) == 1
                && first.Store.ListGenerations("counter").SequenceEqual([2]);
        }, "one host builds and activates generation 2, the other follows it as a standby, and generation 1 is dropped", TestContext.Current.CancellationToken);
        runtimes.Should().OnlyContain(r => r.Error == null, "building a rebuild started elsewhere, or following its switch, is not a failure");
        lock (generation2Writers) generation2Writers.Distinct().Should().ContainSingle("generation 2 is built once, by one host");
        second.Append("c-0", new Bumped(99));
        await Eventually.Until(() =>
        {
            first.Time.Advance(TimeSpan.FromSeconds(1));
            return runtimes.Single(r => r.Status == ProjectionStatus.Live).GetLive("c-0")?.Version == 6;
        }, "the writer of generation 2 applies the next event", TestContext.Current.CancellationToken);
        (await second.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }
}
