using FluentAssertions;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Rebuild previews (design.md "Preview generations"): generation g+1 is built and follows live events
/// beside g, but only a switch makes it active; a discard drops it; the preview is kept in the store.
/// </summary>
public sealed class PreviewTests
{
    [Fact]
    public async Task A_preview_catches_up_and_follows_live_events_but_does_not_switch()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 30; i++) h.Append($"c-{i % 5}", new Bumped(i));
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();

        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await Eventually.Until(() => runtime.Rebuild is { CaughtUp: true }, "the preview catches up", TestContext.Current.CancellationToken);
        h.Append("c-1", new Bumped(99));
        var head = await h.Events.ReadHeadPosition(Harness.Cancel());
        await PreviewReaches(h, head, "the preview follows the event appended after it caught up");

        runtime.ActiveGeneration.Should().Be(1, "a preview never switches by itself");
        runtime.Rebuild!.Preview.Should().BeTrue();
        (await h.Store.ReadGenerations("counter", Harness.Cancel())).Should().Be(new ProjectionGenerations(1, 2, Preview: true));
        h.Store.ListGenerations("counter").Should().Equal(1, 2);
        (await h.Verify(new CounterProjection(), generation: 2)).Mismatches.Should().BeEmpty("the preview holds what a rebuild would");
    }

    [Fact]
    public async Task Switch_makes_the_preview_active_drops_the_old_generation_and_keeps_following()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 30; i++) h.Append($"c-{i % 5}", new Bumped(i));
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();
        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await Eventually.Until(() => runtime.Rebuild is { CaughtUp: true }, "the preview catches up", TestContext.Current.CancellationToken);

        (await h.Engine.SwitchPreview("counter", Harness.Cancel())).Should().Be(2);

        runtime.ActiveGeneration.Should().Be(2);
        runtime.Rebuild.Should().BeNull();
        h.Store.ListGenerations("counter").Should().Equal(2);
        (await h.Store.ReadGenerations("counter", Harness.Cancel())).Should().Be(new ProjectionGenerations(2, null));
        h.Append("c-1", new Bumped(99));
        await h.WaitForHead();
        runtime.GetLive("c-1")!.Version.Should().Be(7, "the switched-to generation serves live state and follows events");
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Switch_is_refused_naming_how_far_behind_while_the_preview_has_not_caught_up()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 30; i++) h.Append($"c-{i % 5}", new Bumped(i));
        await h.WaitForHead();
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b.Generation == 2 ? gate.Pass(ct) : Task.CompletedTask;
        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await gate.Entered.WaitAsync(Harness.Cancel());

        var refused = await FluentActions.Awaiting(() => h.Engine.SwitchPreview("counter", Harness.Cancel())).Should().ThrowAsync<PreviewRefusedException>();
        refused.Which.Message.Should().Contain("has not caught up yet").And.Contain("generation 2 is 30 behind generation 1");
        ((ProjectionRuntime)h.Runtime()).ActiveGeneration.Should().Be(1);
        h.Store.ListGenerations("counter").Should().Equal(1, 2);
        gate.Open();
    }

    [Fact]
    public async Task Discard_drops_the_preview_and_a_new_rebuild_can_start()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 10; i++) h.Append($"c-{i % 2}", new Bumped(i));
        await h.WaitForHead();
        var runtime = (ProjectionRuntime)h.Runtime();
        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await Eventually.Until(() => runtime.Rebuild is { CaughtUp: true }, "the preview catches up", TestContext.Current.CancellationToken);

        (await h.Engine.DiscardPreview("counter", Harness.Cancel())).Should().Be(2);

        runtime.Rebuild.Should().BeNull();
        runtime.ActiveGeneration.Should().Be(1);
        h.Store.ListGenerations("counter").Should().Equal(1);
        (await h.Store.ReadGenerations("counter", Harness.Cancel())).Should().Be(new ProjectionGenerations(1, null));
        h.Append("c-0", new Bumped(99));
        await h.WaitForHead();
        runtime.GetLive("c-0")!.Version.Should().Be(6, "generation 1 keeps serving");
        await h.Engine.StartRebuild("counter", Harness.Cancel());
        await Eventually.Until(() => runtime.ActiveGeneration == 2, "a later plain rebuild switches as usual", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Switch_and_discard_without_a_preview_are_refused_with_one_line()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        h.Append("c-0", new Bumped(1));
        await h.WaitForHead();

        (await FluentActions.Awaiting(() => h.Engine.SwitchPreview("counter", Harness.Cancel())).Should().ThrowAsync<PreviewRefusedException>())
            .Which.Message.Should().Be("Projection 'counter' has no preview to switch to; start one with run --rebuild counter --preview.");
        (await FluentActions.Awaiting(() => h.Engine.DiscardPreview("counter", Harness.Cancel())).Should().ThrowAsync<PreviewRefusedException>())
            .Which.Message.Should().Be("Projection 'counter' has no preview to discard; start one with run --rebuild counter --preview.");
        h.Store.ListGenerations("counter").Should().Equal(1);
    }

    [Fact]
    public async Task A_preview_survives_a_restart_keeps_following_and_still_waits_for_the_switch()
    {
        var h = Harness.Create(new CounterProjection());
        for (var i = 0; i < 20; i++) h.Append($"c-{i % 4}", new Bumped(i));
        await h.Start();
        await h.WaitForHead();
        await h.Engine.StartRebuild("counter", preview: true, Harness.Cancel());
        await Eventually.Until(() => h.Runtime().Rebuild is { CaughtUp: true }, "the preview catches up", TestContext.Current.CancellationToken);
        await h.DisposeAsync();

        await using var restarted = h.Restarted();
        await restarted.Start();
        var runtime = (ProjectionRuntime)restarted.Runtime();
        await Eventually.Until(() => runtime.Rebuild is { Preview: true, CaughtUp: true }, "the restarted host resumes the preview and it catches up again", TestContext.Current.CancellationToken);
        restarted.Append("c-1", new Bumped(99));
        var head = await restarted.Events.ReadHeadPosition(Harness.Cancel());
        await PreviewReaches(restarted, head, "the resumed preview follows live events");
        runtime.ActiveGeneration.Should().Be(1, "the restart does not turn the preview into a rebuild that switches");
        (await restarted.Store.ReadGenerations("counter", Harness.Cancel())).Preview.Should().BeTrue();

        await restarted.Engine.SwitchPreview("counter", Harness.Cancel());
        runtime.ActiveGeneration.Should().Be(2);
        (await restarted.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    private static Task PreviewReaches(Harness h, Events.GlobalPosition head, string what) =>
        global::Projections.Testing.Eventually.Until(
            async () => (await h.Store.LoadCheckpoint("counter", 2, Harness.Cancel()))?.Position >= head, TimeSpan.FromSeconds(30), what);
}
