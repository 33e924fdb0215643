using FluentAssertions;
using Xunit;
using Projections.Core.Runtime;
using Projections.Host.Progress;
using Spectre.Console;

namespace Projections.Host.Tests.Progress;

public sealed class LiveProgressRendererTests
{
    private static string RenderToPlainText(ProgressSnapshot snapshot, IReadOnlyList<string> logs)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        console.Write(LiveProgressRenderer.Render(snapshot, logs));
        return writer.ToString();
    }

    [Fact]
    public void The_table_shows_every_figure_of_every_projection()
    {
        var text = RenderToPlainText(SampleProgress.Snapshot(
            new ProjectionProgress("plant-items", ProjectionStatus.Live, null, SampleProgress.Stats(), null),
            new ProjectionProgress("station-load", ProjectionStatus.CatchingUp, null, SampleProgress.Stats(generation: 2, checkpoint: 100), null)), []);

        var rows = text.Split('\n');
        rows.Should().Contain(r => r.Contains("Projection") && r.Contains("Status") && r.Contains("Events/s") && r.Contains("Checkpoint / head")
                                   && r.Contains("Lag") && r.Contains("Last flush") && r.Contains("Dirty") && r.Contains("Live"));
        rows.Should().ContainSingle(r => r.Contains("plant-items")).Which.Should()
            .ContainAll("Live", "1,234", "4980 / 5000", "10 (0.3 s)", "118 docs in 4 ms", "7", "1,500");
        rows.Should().ContainSingle(r => r.Contains("station-load")).Which.Should().ContainAll("CatchingUp", "100 / 5000");
        text.Should().Contain("Simulator: 2,000 ev/s, 12,345 appended");
    }

    [Fact]
    public void A_failed_projection_shows_its_error_and_recent_log_lines_follow_the_table()
    {
        var text = RenderToPlainText(SampleProgress.Snapshot(
                new ProjectionProgress("plant-items", ProjectionStatus.Stopped, "payload of ItemDetected at 17 is not JSON", SampleProgress.Stats(), null)),
            ["14:03:08 warn Engine: store busy, retrying"]);

        text.Split('\n').Should().ContainSingle(r => r.Contains("plant-items") && r.Contains("Failed"));
        text.Should().Contain("plant-items stopped: payload of ItemDetected at 17 is not JSON");
        text.Should().Contain("14:03:08 warn Engine: store busy, retrying");
    }
}
