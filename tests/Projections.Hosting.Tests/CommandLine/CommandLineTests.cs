using FluentAssertions;
using Xunit;
using Projections.Hosting.Commands;
using Projections.Hosting.Settings;
using Projections.Hosting.Tests.Support;

namespace Projections.Hosting.Tests.CommandLine;

/// <summary>The command line an application gets: options become configuration, mistakes are one line.</summary>
public sealed class CommandLineTests
{
    private static readonly HostOption Greeting = new("greeting", "Projections:Test:Greeting", "text", "hello", "A test option.");

    private static ProjectionsRegistration Registration() => TestApp.Registration(p => p.AddOption(Greeting).AddCommand(new EchoCommand()));

    private static Dictionary<string, string?> Overrides(params string[] args) => TestApp.Overrides(Registration(), args);

    private sealed class EchoCommand() : ProjectionsCommand("echo", "Prints the greeting and its argument.")
    {
        public override CommandArgument Argument { get; } = new("word", "A word.");

        public override async Task<int> ExecuteAsync(CommandContext context)
        {
            await context.Output.WriteLineAsync($"{context.Builder.Configuration[Greeting.ConfigKey]} {context.Argument}");
            return 7;
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await ProjectionsCommandLine.RunAsync(args, TestApp.Builder(configure: p => p.AddOption(Greeting).AddCommand(new EchoCommand())),
            configureApp: null, output, error, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_new_data_directory_is_created_readable_by_its_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        using var parent = new Projections.Testing.TempDirectory();
        var data = Path.Combine(parent.Path, "data");

        var (exitCode, _, error) = await Run("status", "--data-dir", data);

        exitCode.Should().Be(0, error);
        File.GetUnixFileMode(data).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void Options_become_configuration_overrides_before_or_after_the_command() =>
        Overrides("--data-dir", "/tmp/x", "status", "--partitions=3", "--greeting", "hi").Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["Projections:DataDirectory"] = "/tmp/x",
            ["Projections:Engine:Partitions"] = "3",
            ["Projections:Test:Greeting"] = "hi",
        });

    [Fact]
    public void The_last_occurrence_of_an_option_wins() =>
        Overrides("--partitions", "5", "status", "--partitions", "7")["Projections:Engine:Partitions"].Should().Be("7");

    [Fact]
    public void Options_not_given_are_not_overridden() => Overrides().Should().BeEmpty();

    [Fact]
    public async Task An_application_command_gets_its_argument_and_the_options_and_returns_its_exit_code()
    {
        var result = await Run("echo", "world", "--greeting", "hi");

        result.ExitCode.Should().Be(7, result.Error);
        result.Output.Should().Be("hi world" + Environment.NewLine);
    }

    [Fact]
    public async Task Help_lists_every_command_and_every_option_with_its_environment_variable()
    {
        var result = await Run("--help");

        result.ExitCode.Should().Be(ExitCodes.Ok);
        result.Output.Should().ContainAll("run", "--rebuild <projection|all>", "status", "verify <projection|all>", "echo <word>", "--greeting <text>");
        foreach (var option in Registration().Options)
        {
            result.Output.Should().Contain("--" + option.Name);
            if (!option.IsFlag) result.Output.Should().Contain(option.EnvironmentVariable);
        }
        result.Error.Should().BeEmpty();
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "error: Unrecognized command or argument '--bogus'. Run with --help to list the commands and options.")]
    [InlineData(new[] { "frobnicate" }, "error: Unrecognized command or argument 'frobnicate'. Run with --help to list the commands and options.")]
    [InlineData(new[] { "--partitions" }, "error: Required argument missing for option: '--partitions'. Run with --help to list the commands and options.")]
    [InlineData(new[] { "status", "extra" }, "error: Unrecognized command or argument 'extra'. Run with --help to list the commands and options.")]
    [InlineData(new[] { "status", "--rebuild", "all" }, "error: Unrecognized command or argument '--rebuild'. Run with --help to list the commands and options.")]
    [InlineData(new[] { "verify", "a", "b" }, "error: Unrecognized command or argument 'b'. Run with --help to list the commands and options.")]
    [InlineData(new[] { "status", "--partitions", "lots" }, "error: Invalid value 'lots' for --partitions (Projections:Engine:Partitions, PROJECTIONS__ENGINE__PARTITIONS): expected a whole number from 1 to 1024.")]
    [InlineData(new[] { "run", "--rebuild", "nope", "--urls", "http://127.0.0.1:0" }, "error: Unknown projection 'nope' for --rebuild; expected all or one of: test-items.")]
    public async Task Mistakes_give_one_line_naming_what_was_wrong_and_exit_code_2(string[] args, string message)
    {
        var result = await Run(args);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Error.Should().Be(message + Environment.NewLine);
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task A_secret_in_an_unexpected_argument_is_not_printed()
    {
        var result = await Run("status", "mongodb://bob:hunter2@db:27017");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Error.Should().NotContain("hunter2").And.Contain("mongodb://***@db:27017");
    }
}
