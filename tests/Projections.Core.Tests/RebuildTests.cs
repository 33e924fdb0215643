using FluentAssertions;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Rebuild: generation g+1 is built beside g, becomes active when caught up, and g is dropped.</summary>
public sealed class RebuildTests
{
    [Fact]
    public async Task A_rebuild_switches_generations_drops_the_old_one_and_keeps_the_runtime()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 30; i++) h.Append($"c-{i % 5}", new Bumped(i));
        await h.WaitForHead();
        var runtime = h.Runtime();
        var changes = new List<EntityChange>();
        using var subscription = runtime.SubscribeChanges("c-1", c => { lock (changes) changes.Add(c); });

        await h.Engine.StartRebuild("counter", Harness.Cancel());
        await Eventually.Until(() => ((ProjectionRuntime)runtime).ActiveGeneration == 2, "generation 2 becomes active", TestContext.Current.CancellationToken);
        await Eventually.Until(() => h.Store.ListGenerations("counter").SequenceEqual([2]), "generation 1 is dropped", TestContext.Current.CancellationToken);

        h.Engine.Find("counter").Should().BeSameAs(runtime);
        runtime.Rebuild.Should().BeNull();
        runtime.GetStats().Generation.Should().Be(2);
        runtime.GetLive("c-1")!.Version.Should().Be(6);
        h.Append("c-1", new Bumped(99));
        await h.WaitForHead();
        runtime.GetLive("c-1")!.Version.Should().Be(7, "the new generation follows live events");
        lock (changes) changes.Should().Contain(c => c.Version == 7, "subscriptions survive the switch");
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task A_failed_rebuild_keeps_the_active_generation_serving_and_can_be_started_again()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 10; i++) h.Append($"c-{i % 2}", new Bumped(i));
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();
        h.Store.BeforeWrite = (batch, _) => batch.Generation == 2
            ? throw new Ports.ProjectionStoreWriteException("generation 2 refused", batch.Documents.FirstOrDefault()?.Key)
            : Task.CompletedTask;

        await h.Engine.StartRebuild("counter", Harness.Cancel());
        // A rebuild moves on in lease rounds too (taking, resuming, dropping), which run on the harness's clock.
        await Eventually.Until(() =>
        {
            h.Time.Advance(Harness.DefaultOptions.LeaseRenewInterval);
            return runtime.Rebuild is null && runtime.Error is not null;
        }, "the rebuild is abandoned", TestContext.Current.CancellationToken);

        runtime.ActiveGeneration.Should().Be(1);
        runtime.Status.Should().Be(ProjectionStatus.Live);
        runtime.Error!.ToString().Should().Contain("generation 2 refused");
        h.Append("c-0", new Bumped(99));
        await h.WaitForHead();
        runtime.GetLive("c-0")!.Version.Should().Be(6, "generation 1 keeps following events");

        h.Store.BeforeWrite = null;
        await h.Engine.StartRebuild("counter", Harness.Cancel());
        await Eventually.Until(() =>
        {
            h.Time.Advance(Harness.DefaultOptions.LeaseRenewInterval);
            return runtime.ActiveGeneration == 2;
        }, "the second rebuild activates generation 2", TestContext.Current.CancellationToken);
        runtime.Error.Should().BeNull();
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task The_previous_generation_left_by_a_crash_after_the_switch_is_dropped_at_start()
    {
        var h = Harness.Create(new CounterProjection());
        for (var i = 0; i < 10; i++) h.Append($"c-{i % 2}", new Bumped(i));
        await h.Start();
        await h.Engine.StartRebuild("counter", Harness.Cancel());
        await Eventually.Until(() => ((ProjectionRuntime)h.Runtime()).ActiveGeneration == 2, "generation 2 becomes active", TestContext.Current.CancellationToken);
        // The switch is visible before generation 1 is dropped; on a busy machine the drop could otherwise land after the setup below.
        await Eventually.Until(() => h.Store.ListGenerations("counter").SequenceEqual([2]), "generation 1 is dropped after the switch", TestContext.Current.CancellationToken);
        await h.DisposeAsync();
        // As a host that died after activating generation 3 but before dropping generation 2 leaves the store:
        await h.Store.BeginGeneration("counter", 3, [], Harness.Cancel());
        await h.Store.ActivateGeneration("counter", 3, Harness.Cancel());
        h.Store.ListGenerations("counter").Should().Equal(2, 3);

        await using var restarted = h.Restarted();
        await restarted.Start();

        restarted.Store.ListGenerations("counter").Should().Equal(3);
    }

    [Fact]
    public async Task A_rebuild_interrupted_by_a_restart_resumes_and_completes()
    {
        var h = Harness.Create(new CounterProjection());
        for (var i = 0; i < 20; i++) h.Append($"c-{i % 4}", new Bumped(i));
        await h.Start();
        await h.WaitForHead();
        await h.Store.BeginGeneration("counter", 2, [], Harness.Cancel()); // as a crashed host left it
        await h.DisposeAsync();

        await using var restarted = h.Restarted();
        await restarted.Start();
        await Eventually.Until(() => ((ProjectionRuntime)restarted.Runtime()).ActiveGeneration == 2, "the resumed rebuild activates generation 2", TestContext.Current.CancellationToken);
        await Eventually.Until(() => restarted.Store.ListGenerations("counter").SequenceEqual([2]), "generation 1 is dropped", TestContext.Current.CancellationToken);
        (await restarted.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Rebuild_progress_is_reported_while_the_new_generation_catches_up()
    {
        var h = Harness.Create(new CounterProjection());
        for (var i = 0; i < 20; i++) h.Append($"c-{i % 4}", new Bumped(i));
        await h.Start();
        await using var _ = h;
        await h.WaitForHead();
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b.Generation == 2 ? gate.Pass(ct) : Task.CompletedTask;

        await h.Engine.StartRebuild("counter", Harness.Cancel());
        await gate.Entered.WaitAsync(Harness.Cancel());
        var progress = h.Runtime().Rebuild;
        progress.Should().NotBeNull();
        progress!.Generation.Should().Be(2);
        progress.Target.Should().Be(await h.Events.ReadHeadPosition(Harness.Cancel()));
        h.Runtime().GetStats().Generation.Should().Be(1, "generation 1 serves until the switch");
        await FluentActions.Awaiting(() => h.Engine.StartRebuild("counter", Harness.Cancel())).Should().ThrowAsync<InvalidOperationException>();
        gate.Open();
        await Eventually.Until(() => ((ProjectionRuntime)h.Runtime()).ActiveGeneration == 2, "generation 2 becomes active", TestContext.Current.CancellationToken);
    }
}
