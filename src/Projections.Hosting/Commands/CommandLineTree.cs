using System.CommandLine;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Commands;

/// <summary>
/// The System.CommandLine tree of an application: every option the registration knows, accepted
/// before or after any command; run (also the default when no command is given), status, verify and
/// the application's commands.
/// </summary>
internal sealed class CommandLineTree
{
    private readonly Dictionary<Command, (ProjectionsCommand Command, Symbol? Argument)> _commands = [];
    private readonly List<(HostOption Host, Option Parsed)> _options = [];

    public CommandLineTree(string applicationName, IReadOnlyList<HostOption> options, ProjectionsCommand run, IEnumerable<ProjectionsCommand> commands)
    {
        Root = new RootCommand($"{applicationName}: projections with a web dashboard and API.\n" +
            "Options also come from appsettings.json (section Projections) and environment variables; the command line wins.\n" +
            "Exit codes: 0 ok, 1 verify found mismatches or a projection failed, 2 bad options or unusable store.");
        foreach (var option in options)
        {
            Option parsed = option.IsFlag
                ? new Option<bool>("--" + option.Name) { Description = option.Description, Arity = ArgumentArity.Zero, Recursive = true }
                // A list taking one value per occurrence, so that the last occurrence wins (as in configuration).
                : new Option<string[]>("--" + option.Name)
                {
                    Description = $"{option.Description} [default: {option.Default}; env: {option.EnvironmentVariable}]",
                    HelpName = option.ValueHint,
                    Recursive = true,
                    Arity = ArgumentArity.OneOrMore,
                    AllowMultipleArgumentsPerToken = false,
                };
            Root.Options.Add(parsed);
            _options.Add((option, parsed));
        }

        // Commands are executed by the caller after parsing; an action marks each as runnable (the root runs "run").
        Root.SetAction(_ => ExitCodes.Ok);
        _commands[Root] = (run, AddRebuild(Root));
        foreach (var command in (IEnumerable<ProjectionsCommand>)[run, .. commands])
        {
            var parsed = new Command(command.Name, command.Description);
            parsed.SetAction(_ => ExitCodes.Ok);
            Symbol? argument = command == run ? AddRebuild(parsed) : null;
            if (command.Argument is { } a)
            {
                var positional = new Argument<string>(a.Name) { Description = a.Description, Arity = ArgumentArity.ZeroOrOne };
                parsed.Arguments.Add(positional);
                argument = positional;
            }
            Root.Subcommands.Add(parsed);
            _commands[parsed] = (command, argument);
        }
    }

    public RootCommand Root { get; }

    /// <summary>The tree of an application: its options, run, status, verify and its own commands.</summary>
    public static CommandLineTree For(ProjectionsRegistration registration, string applicationName) =>
        new(applicationName, registration.Options, new RunCommand(registration), [new StatusCommand(), new VerifyCommand(), new ImportCommand(), new ExportCommand(), new DeadLettersCommand(), .. registration.Commands]);

    /// <summary>Parses without response files (an argument starting with @ is a value, not a file to read).</summary>
    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>The chosen command, its argument, and the options given as configuration overrides.</summary>
    public (ProjectionsCommand Command, string? Argument, Dictionary<string, string?> Overrides) Read(ParseResult result)
    {
        var (command, argument) = _commands[result.CommandResult.Command];
        var value = argument switch
        {
            Option<string> option => result.GetValue(option),
            Argument<string> positional => result.GetValue(positional),
            _ => null,
        };
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (host, parsed) in _options)
        {
            if (result.GetResult(parsed) is not { Implicit: false }) continue;
            overrides[host.ConfigKey] = host.IsFlag ? host.FlagValue : result.GetValue((Option<string[]>)parsed)?.LastOrDefault();
        }
        return (command, value, overrides);
    }

    private static Option<string> AddRebuild(Command command)
    {
        var rebuild = new Option<string>(RunCommand.RebuildOption)
        {
            Description = "Also rebuild these projections into a new generation while serving.",
            HelpName = "projection|all",
        };
        command.Options.Add(rebuild);
        return rebuild;
    }
}
