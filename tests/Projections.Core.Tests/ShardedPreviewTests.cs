using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Previews of a sharded projection (design.md "Preview generations", "Shards"): every shard of g+1 is leased and built
/// like a rebuild's and none switches by itself; a switch waits until every shard of g+1 has reached the checkpoint of each
/// active shard it shares keys with, then promotes every shard built here; a discard lets go of them all.
/// </summary>
public sealed class ShardedPreviewTests
{
    private const int Shards = 3;
    private static ProjectionEngineOptions Sharded(int shards = Shards) => Harness.DefaultOptions with { Shards = shards };

    [Fact]
    public async Task Every_shard_of_a_preview_is_built_and_follows_live_events_and_none_switches_by_itself()
    {
        await using var h = await Harness.Started(Sharded(), new CounterProjection());
        AppendBumps(h, 60);
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();

        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await PreviewReaches(h, await h.Events.ReadHeadPosition(Harness.Cancel()), Shards, "every shard of the preview catches up");
        h.Append("c-1", new Bumped(99));
        await PreviewReaches(h, await h.Events.ReadHeadPosition(Harness.Cancel()), Shards, "every shard of the preview follows the event appended after it caught up");

        runtime.ActiveGeneration.Should().Be(1, "no shard of a preview switches by itself");
        (await h.Store.ReadGenerations("counter", Harness.Cancel())).Should().BeEquivalentTo(
            new ProjectionGenerations(1, 2, Preview: true) { ActiveShards = Shards, BuildingShards = Shards });
        runtime.HeldLeases.Where(l => l.Key.Generation == 2).Select(l => l.Key.Shard).Order().Should().Equal(0, 1, 2);
        (await h.Verify(new CounterProjection(), generation: 2)).Mismatches.Should().BeEmpty("every shard of the preview holds what a rebuild would");
    }

    [Fact]
    public async Task Switch_waits_for_every_shard_then_promotes_every_shard_built_here_and_drops_the_old_generation()
    {
        await using var h = await Harness.Started(Sharded(), new CounterProjection());
        AppendBumps(h, 60);
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b is { Generation: 2, Shard: 1 } ? gate.Pass(ct) : Task.CompletedTask;
        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        var head = await h.Events.ReadHeadPosition(Harness.Cancel());
        await PreviewShardReaches(h, 0, head, "shard 0 of the preview catches up");
        await PreviewShardReaches(h, 2, head, "shard 2 of the preview catches up");

        var refused = await FluentActions.Awaiting(() => h.Engine.SwitchPreview("counter", Harness.Cancel())).Should().ThrowAsync<PreviewRefusedException>();
        refused.Which.Message.Should().Contain("generation 2 shard 1 is 60 behind generation 1 shard 1", "one shard behind holds the whole switch back");
        runtime.ActiveGeneration.Should().Be(1);
        h.Store.ListGenerations("counter").Should().Equal(1, 2);

        gate.Open();
        await PreviewShardReaches(h, 1, head, "shard 1 of the preview catches up once its writes pass");
        (await h.Engine.SwitchPreview("counter", Harness.Cancel())).Should().Be(2);

        runtime.ActiveGeneration.Should().Be(2);
        runtime.ActiveShards.Should().Be(Shards);
        Enumerable.Range(0, Shards).Select(s => runtime.ServingShard(s)?.Generation).Should().Equal([2, 2, 2],
            "the switch promotes every shard this host built at once, not one at the next lease round");
        runtime.HeldLeases.Should().OnlyContain(l => l.Key.Generation == 2);
        runtime.Rebuild.Should().BeNull();
        h.Store.ListGenerations("counter").Should().Equal(2);
        h.Append("c-1", new Bumped(99));
        await h.WaitForHead();
        runtime.GetLive("c-1")!.Version.Should().Be(7, "the switched-to shards serve live state and follow events");
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Discard_lets_go_of_every_shard_of_the_preview_and_a_new_rebuild_can_start()
    {
        await using var h = await Harness.Started(Sharded(), new CounterProjection());
        AppendBumps(h, 30);
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();
        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await PreviewReaches(h, await h.Events.ReadHeadPosition(Harness.Cancel()), Shards, "every shard of the preview catches up");

        (await h.Engine.DiscardPreview("counter", Harness.Cancel())).Should().Be(2);

        runtime.Rebuild.Should().BeNull();
        runtime.HeldLeases.Should().OnlyContain(l => l.Key.Generation == 1, "no shard of the discarded preview is still built here");
        h.Store.ListGenerations("counter").Should().Equal(1);
        (await h.Store.ReadGenerations("counter", Harness.Cancel())).Building.Should().BeNull();
        h.Append("c-0", new Bumped(99));
        await h.WaitForHead();
        runtime.GetLive("c-0")!.Version.Should().Be(4, "generation 1 keeps serving");
        await h.Engine.StartRebuild("counter", Harness.Cancel());
        await Eventually.Until(() =>
        {
            h.Time.Advance(Harness.DefaultOptions.LeaseRenewInterval); // the other shards are promoted by lease rounds of the harness's clock
            return Enumerable.Range(0, Shards).All(s => runtime.ServingShard(s)?.Generation == 2);
        }, "a later plain rebuild switches every shard as usual", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_preview_with_another_shard_count_waits_for_every_active_shard_its_keys_come_from()
    {
        await using var h = Harness.Create(new CounterProjection());
        AppendBumps(h, 60);
        await h.Start(Sharded(1));
        await h.WaitForHead();
        await h.Engine.StopAsync(Harness.Cancel());

        await using var resharded = h.Restarted();
        await resharded.Start(Sharded(3));
        var runtime = (ProjectionRuntime)resharded.Runtime();
        var gate = new BlockingGate();
        resharded.Store.BeforeWrite = (b, ct) => b is { Generation: 2, Shard: 2 } ? gate.Pass(ct) : Task.CompletedTask;
        await resharded.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        var head = await resharded.Events.ReadHeadPosition(Harness.Cancel());
        await PreviewShardReaches(resharded, 0, head, "shard 0 of the three-shard preview catches up");
        await PreviewShardReaches(resharded, 1, head, "shard 1 of the three-shard preview catches up");
        runtime.ActiveShards.Should().Be(1, "the one-shard generation keeps serving while the preview with three is built");

        (await FluentActions.Awaiting(() => resharded.Engine.SwitchPreview("counter", Harness.Cancel())).Should().ThrowAsync<PreviewRefusedException>())
            .Which.Message.Should().Contain("generation 2 shard 2 is 60 behind generation 1 (", "every key of the preview's shard 2 comes from the one active shard");

        gate.Open();
        await PreviewShardReaches(resharded, 2, head, "shard 2 of the preview catches up once its writes pass");
        await resharded.Engine.SwitchPreview("counter", Harness.Cancel());
        runtime.ActiveShards.Should().Be(3);
        (await resharded.Store.ReadGenerations("counter", Harness.Cancel())).ActiveShards.Should().Be(3);
        await resharded.WaitForHead();
        (await resharded.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    /// <summary>Ten keys over three shards: every shard gets some (checked, so a change of the hash cannot empty one silently).</summary>
    private static void AppendBumps(Harness h, int count)
    {
        Enumerable.Range(0, 10).Select(i => Pipeline.KeyHash.Shard($"c-{i}", Shards)).Distinct().Should().HaveCount(Shards);
        for (var i = 0; i < count; i++) h.Append($"c-{i % 10}", new Bumped(i));
    }

    private static async Task PreviewReaches(Harness h, GlobalPosition head, int shards, string what)
    {
        for (var shard = 0; shard < shards; shard++) await PreviewShardReaches(h, shard, head, what);
    }

    private static Task PreviewShardReaches(Harness h, int shard, GlobalPosition head, string what) =>
        global::Projections.Testing.Eventually.Until(
            async () => (await h.Store.LoadCheckpoint("counter", 2, shard, Harness.Cancel()))?.Position >= head, TimeSpan.FromSeconds(30), what);
}
