using FluentAssertions;
using Xunit;
using Projections.Core.Ports;
using Projections.Host.Cli;
using Projections.Host.Commands;
using Projections.Host.Tests.Support;
using Projections.Sqlite.Events;

namespace Projections.Host.Tests;

/// <summary>The entry point in-process: dispatch, exit codes and the one-line errors a user sees.</summary>
public sealed class HostProgramTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose() => _data.Dispose();

    private Task<int> Run(params string[] args) => HostProgram.RunAsync(args, _output, _error, stop: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Help_lists_every_command_and_every_option_with_its_environment_variable()
    {
        var exitCode = await Run("--help");

        exitCode.Should().Be(ExitCodes.Ok);
        var help = _output.ToString();
        help.Should().ContainAll("run", "--rebuild <projection|all>", "status", "verify [projection|all]", "simulate");
        foreach (var option in HostOptionCatalog.All)
        {
            help.Should().Contain("--" + option.Name);
            if (!option.IsFlag) help.Should().Contain(option.EnvironmentVariable);
        }
        _error.ToString().Should().BeEmpty();
    }

    [Fact]
    public async Task A_bad_option_value_is_one_line_on_stderr_and_exit_code_2()
    {
        var exitCode = await Run("status", "--data-dir", _data.Path, "--partitions", "lots");

        exitCode.Should().Be(ExitCodes.UsageError);
        _error.ToString().Should().Be(
            "error: Invalid value 'lots' for --partitions (Projections:Engine:Partitions, PROJECTIONS__ENGINE__PARTITIONS): expected a whole number from 1 to 1024." + Environment.NewLine);
        _output.ToString().Should().BeEmpty();
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_is_reported_by_name()
    {
        var file = _data.Combine("not-a-directory");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

        var exitCode = await Run("status", "--data-dir", file);

        exitCode.Should().Be(ExitCodes.UsageError);
        _error.ToString().Should().Be(
            $"error: Data directory '{file}' given by --data-dir (Projections:DataDirectory, PROJECTIONS__DATADIRECTORY) is a file, not a directory." + Environment.NewLine);
    }

    [Fact]
    public async Task An_unknown_projection_for_verify_names_the_known_ones()
    {
        var exitCode = await Run("verify", "nope", "--data-dir", _data.Path);

        exitCode.Should().Be(ExitCodes.UsageError);
        _error.ToString().Trim().Should().Be("error: Unknown projection 'nope' for verify; expected all or one of: plant-items, station-load.");
    }

    [Fact]
    public async Task A_malformed_appsettings_file_is_a_user_error()
    {
        await File.WriteAllTextAsync(_data.Combine("appsettings.json"), "{ \"Projections\": ", TestContext.Current.CancellationToken);

        var exitCode = await HostProgram.RunAsync(["status"], _output, _error, configurationBasePath: _data.Path, stop: TestContext.Current.CancellationToken);

        exitCode.Should().Be(ExitCodes.UsageError);
        _error.ToString().Should().StartWith("error: ").And.Contain("appsettings.json");
    }

    [Fact]
    public async Task Status_on_a_fresh_data_directory_shows_both_projections_at_generation_1_with_nothing_to_do()
    {
        var exitCode = await Run("status", "--data-dir", _data.Path);

        exitCode.Should().Be(ExitCodes.Ok, _error.ToString());
        var lines = _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain("plant-items: generation 1, checkpoint -, head 0, behind 0, caught up, dead letters 0");
        lines.Should().Contain("station-load: generation 1, checkpoint -, head 0, behind 0, caught up, dead letters 0");
    }

    [Fact]
    public void Status_shows_the_checkpoint_stream_time_and_how_far_the_wall_clock_is_ahead_of_it()
    {
        var streamTime = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

        StatusCommand.StreamTime(streamTime, streamTime + TimeSpan.FromMinutes(125))
            .Should().Be(", stream time 2026-01-01T08:00:00Z (wall clock 2h 05m ahead)");
        StatusCommand.StreamTime(streamTime, streamTime - TimeSpan.FromDays(3))
            .Should().Be(", stream time 2026-01-01T08:00:00Z (wall clock 3d 00h behind)");
    }

    [Fact]
    public async Task Simulate_appends_exactly_the_requested_events_and_status_sees_them_unprojected()
    {
        var exitCode = await Run("simulate", "--data-dir", _data.Path, "--total-events", "400", "--rate", "max", "--seed", "3", "--items", "20");

        exitCode.Should().Be(ExitCodes.Ok, _error.ToString());
        _output.ToString().Should().Contain("Appended 400 events");
        using var events = new SqliteEventStore(_data.Combine("events.db"));
        var appended = await events.ReadAllForward(null, EventFilter.All, TestContext.Current.CancellationToken).CountAsync(TestContext.Current.CancellationToken);
        appended.Should().Be(400);

        _output.GetStringBuilder().Clear();
        (await Run("status", "--data-dir", _data.Path)).Should().Be(ExitCodes.Ok);
        _output.ToString().Should().MatchRegex(@"plant-items: generation 1, checkpoint -, head \d+, behind 400, dead letters 0");
    }
}
