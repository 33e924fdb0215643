using FluentAssertions;
using Xunit;
using Projections.Hosting.Progress;
using Projections.Hosting.Settings;
using Spectre.Console;

namespace Projections.Hosting.Tests.Progress;

/// <summary>import's progress: a bar on a terminal, a plain line per interval in a log, nothing when off.</summary>
public sealed class ImportProgressTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 14, 3, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static ImportCounts Counts(long line, long bytes) => new(line, line - 10, 10, bytes, 1000);

    [Fact]
    public async Task Plain_progress_prints_one_line_per_interval_with_the_share_of_the_file_read()
    {
        var output = new StringWriter();
        var time = new ManualTime();

        await ImportProgress.Run(ProgressMode.Plain, Interval, output, AnsiConsole.Console, time, progress =>
        {
            progress.Report(Counts(500, 100));                     // before the first interval: nothing
            time.Now += Interval;
            progress.Report(Counts(1_000, 450));
            time.Now += TimeSpan.FromSeconds(1);
            progress.Report(Counts(1_500, 600));                   // within the interval: nothing
            time.Now += Interval;
            progress.Report(Counts(2_000, 900));
            return Task.FromResult(0);
        });

        output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "[14:03:05] import: 45%, line 1,000, 990 appended, 10 already present",
            "[14:03:11] import: 90%, line 2,000, 1,990 appended, 10 already present");
    }

    [Fact]
    public async Task Reading_standard_input_prints_no_share()
    {
        var output = new StringWriter();
        var time = new ManualTime();

        await ImportProgress.Run(ProgressMode.Plain, Interval, output, AnsiConsole.Console, time, progress =>
        {
            time.Now += Interval;
            progress.Report(new ImportCounts(20, 20, 0, 0, TotalBytes: null));
            return Task.FromResult(0);
        });

        output.ToString().Should().Be("[14:03:05] import: line 20, 20 appended, 0 already present" + Environment.NewLine);
    }

    [Fact]
    public async Task On_a_terminal_a_bar_shows_the_counts_and_ends_full()
    {
        var screen = new StringWriter();
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(screen),
        });
        terminal.Profile.Width = 120;
        var log = new StringWriter();

        var result = await ImportProgress.Run(ProgressMode.Live, Interval, log, terminal, new ManualTime(), progress =>
        {
            progress.Report(Counts(1_000, 450));
            return Task.FromResult(42);
        });

        result.Should().Be(42);
        log.ToString().Should().BeEmpty("the bar is drawn on the terminal, not as lines");
        screen.ToString().Should().Contain("import: line 1,000, 990 appended, 10 already present").And.Contain("100%").And.Contain("━");
    }

    [Fact]
    public async Task Off_prints_nothing()
    {
        var output = new StringWriter();
        var time = new ManualTime();

        await ImportProgress.Run(ProgressMode.Off, Interval, output, AnsiConsole.Console, time, progress =>
        {
            time.Now += Interval * 3;
            progress.Report(Counts(1_000, 450));
            return Task.FromResult(0);
        });

        output.ToString().Should().BeEmpty();
    }
}
