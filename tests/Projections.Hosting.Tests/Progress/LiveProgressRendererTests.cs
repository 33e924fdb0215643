using FluentAssertions;
using Xunit;
using Projections.Core.Runtime;
using Projections.Hosting.Progress;
using Spectre.Console;

namespace Projections.Hosting.Tests.Progress;

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
        console.Profile.Width = 80;
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
        rows.Should().Contain(r => r.Contains("Projection") && r.Contains("Status") && r.Contains("ev/s") && r.Contains("Checkpoint/head")
                                   && r.Contains("Lag") && r.Contains("Flush") && r.Contains("Dirty/live"));
        rows.Should().ContainSingle(r => r.Contains("plant-items")).Which.Should()
            .ContainAll("Live", "1,234", "4980/5000", "10·0.3s", "118·4ms", "7/1,500");
        rows.Should().ContainSingle(r => r.Contains("station-load")).Which.Should().ContainAll("CatchingUp", "100/5000");
        text.Should().Contain("Simulator: 2,000 ev/s, 12,345 appended");
    }

    [Fact]
    public void The_table_fits_an_80_column_terminal_without_wrapping_a_row()
    {
        var text = RenderToPlainText(SampleProgress.Snapshot(
            new ProjectionProgress("station-load", ProjectionStatus.CatchingUp, null, SampleProgress.Stats(checkpoint: 1_234_567, head: 9_876_543), null)), []);

        text.Split('\n').Should().ContainSingle(r => r.Contains("station-load")).Which.Should().Contain("1234567/9876543");
        text.Split('\n').Should().OnlyContain(r => r.TrimEnd().Length <= 80);
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
