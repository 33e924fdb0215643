using FluentAssertions;
using Xunit;
using Projections.Host;
using Projections.Host.Cli;

namespace Projections.Host.Tests.Cli;

public sealed class CommandLineParserTests
{
    [Fact]
    public void No_arguments_means_run_with_nothing_overridden()
    {
        var request = CommandLineParser.Parse([]);

        request.Command.Should().Be(HostCommand.Run);
        request.Target.Should().BeNull();
        request.ConfigOverrides.Should().BeEmpty();
    }

    [Theory]
    [InlineData("run", HostCommand.Run)]
    [InlineData("status", HostCommand.Status)]
    [InlineData("verify", HostCommand.Verify)]
    [InlineData("simulate", HostCommand.Simulate)]
    [InlineData("help", HostCommand.Help)]
    public void Each_command_name_selects_its_command(string name, HostCommand expected) =>
        CommandLineParser.Parse([name]).Command.Should().Be(expected);

    [Fact]
    public void Options_become_configuration_overrides_before_or_after_the_command()
    {
        var request = CommandLineParser.Parse(["--data-dir", "/tmp/x", "status", "--partitions=3", "--no-simulate"]);

        request.Command.Should().Be(HostCommand.Status);
        request.ConfigOverrides.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["Projections:DataDirectory"] = "/tmp/x",
            ["Projections:Engine:Partitions"] = "3",
            ["Projections:Simulator:Enabled"] = "false",
        });
    }

    [Fact]
    public void The_last_occurrence_of_an_option_wins() =>
        CommandLineParser.Parse(["--items", "5", "--items", "7"]).ConfigOverrides["Projections:Simulator:Items"].Should().Be("7");

    [Fact]
    public void Rebuild_names_the_target_of_run() =>
        CommandLineParser.Parse(["run", "--rebuild", "plant-items"]).Should().Match<CommandLineRequest>(r =>
            r.Command == HostCommand.Run && r.Target == "plant-items");

    [Fact]
    public void Rebuild_without_a_command_is_run() =>
        CommandLineParser.Parse(["--rebuild=all"]).Should().Match<CommandLineRequest>(r => r.Command == HostCommand.Run && r.Target == "all");

    [Fact]
    public void Verify_takes_a_projection_and_defaults_to_all()
    {
        CommandLineParser.Parse(["verify", "station-load"]).Target.Should().Be("station-load");
        CommandLineParser.Parse(["verify"]).Target.Should().Be("all");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_wins_over_any_command(string flag) =>
        CommandLineParser.Parse(["status", flag]).Command.Should().Be(HostCommand.Help);

    [Theory]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'. Run with --help to list the options.")]
    [InlineData(new[] { "frobnicate" }, "Unknown command 'frobnicate'. Commands: run, status, verify, simulate, dead-letters (--help lists them).")]
    [InlineData(new[] { "--items" }, "Option '--items' needs a value (n).")]
    [InlineData(new[] { "--items", "--seed", "1" }, "Option '--items' needs a value (n).")]
    [InlineData(new[] { "--no-simulate=yes" }, "Option '--no-simulate' takes no value (got 'yes').")]
    [InlineData(new[] { "status", "extra" }, "Unexpected argument 'extra' after 'status'.")]
    [InlineData(new[] { "verify", "a", "b" }, "Unexpected argument 'b' after 'verify'.")]
    [InlineData(new[] { "status", "--rebuild", "all" }, "Option '--rebuild' belongs to the 'run' command, not 'status'.")]
    [InlineData(new[] { "run", "--rebuild" }, "Option '--rebuild' needs a value (projection|all).")]
    public void Mistakes_give_one_line_naming_what_was_wrong(string[] args, string message) =>
        FluentActions.Invoking(() => CommandLineParser.Parse(args))
            .Should().Throw<HostUserException>().WithMessage(message);
}
