using FluentAssertions;
using Xunit;
using Projections.Core.Events;
using Projections.Core.Runtime;
using Projections.Hosting.Progress;

namespace Projections.Hosting.Tests.Progress;

public sealed class PlainProgressRendererTests
{
    [Fact]
    public void One_line_per_projection_and_one_per_progress_source()
    {
        var lines = PlainProgressRenderer.Render(SampleProgress.Snapshot(
            new ProjectionProgress("plant-items", ProjectionStatus.Live, null, SampleProgress.Stats(), null),
            new ProjectionProgress("station-load", ProjectionStatus.CatchingUp, null, SampleProgress.Stats(checkpoint: null), null)));

        lines.Should().Equal(
            "[14:03:09] plant-items: Live, gen 1, 1,234 ev/s, checkpoint 4980 / head 5000, lag 10 (0.3 s), last flush 118 docs in 4 ms, dirty 7, live 1,500",
            "[14:03:09] station-load: CatchingUp, gen 1, 1,234 ev/s, checkpoint - / head 5000, lag 10 (0.3 s), last flush 118 docs in 4 ms, dirty 7, live 1,500",
            "[14:03:09] simulator: 2,000 ev/s, 12,345 appended");
    }

    [Fact]
    public void Parked_events_rebuilds_and_errors_are_appended_when_present()
    {
        var stats = SampleProgress.Stats() with { ParkedEvents = 3, Flushes = 0 };
        var rebuild = new RebuildProgress(2, GlobalPosition.Of(1200), GlobalPosition.Of(5000), SampleProgress.At, 900, TimeSpan.FromSeconds(4));

        var lines = PlainProgressRenderer.Render(new ProgressSnapshot(SampleProgress.At,
            [new ProjectionProgress("plant-items", ProjectionStatus.Stopped, "handler threw at item-7", stats, rebuild)], []));

        lines.Should().ContainSingle().Which.Should().Be(
            "[14:03:09] plant-items: Stopped, gen 1, 1,234 ev/s, checkpoint 4980 / head 5000, lag 10 (0.3 s), last flush none yet, " +
            "dirty 7, live 1,500, parked 3, rebuilding gen 2: 1200 / 5000, error: handler threw at item-7");
    }
}
