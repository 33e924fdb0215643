namespace Projections.Host.Cli;

/// <summary>
/// Parses <c>[command] [target] [--option value | --option=value | --flag]...</c>. Options may come
/// before or after the command; the last occurrence of an option wins.
/// </summary>
public static class CommandLineParser
{
    private static readonly Dictionary<string, HostCommand> Commands = new(StringComparer.Ordinal)
    {
        ["run"] = HostCommand.Run,
        ["status"] = HostCommand.Status,
        ["verify"] = HostCommand.Verify,
        ["simulate"] = HostCommand.Simulate,
        ["dead-letters"] = HostCommand.DeadLetters,
        ["help"] = HostCommand.Help,
    };

    public const string RebuildOption = "rebuild";

    public static CommandLineRequest Parse(IReadOnlyList<string> args)
    {
        HostCommand? command = null;
        string? target = null;
        string? rebuild = null;
        var help = false;
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var arguments = new List<string>();

        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token is "--help" or "-h" or "-?")
            {
                help = true;
                continue;
            }

            if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                var (name, inlineValue) = SplitOption(token);
                if (name == RebuildOption)
                {
                    rebuild = inlineValue ?? TakeValue(args, ref i, "--rebuild", "projection|all");
                    continue;
                }

                var option = HostOptionCatalog.Find(name)
                    ?? throw new HostUserException($"Unknown option '--{name}'. Run with --help to list the options.");
                if (option.IsFlag)
                {
                    if (inlineValue is not null)
                        throw new HostUserException($"Option '--{name}' takes no value (got '{inlineValue}').");
                    overrides[option.ConfigKey] = option.FlagValue;
                }
                else
                {
                    overrides[option.ConfigKey] = inlineValue ?? TakeValue(args, ref i, $"--{name}", option.ValueHint ?? "value");
                }
                continue;
            }

            if (command is null && Commands.TryGetValue(token, out var parsed))
                command = parsed;
            else if (command is null)
                throw new HostUserException($"Unknown command '{token}'. Commands: run, status, verify, simulate, dead-letters (--help lists them).");
            else if (command == HostCommand.Verify && target is null)
                target = token;
            else if (command == HostCommand.DeadLetters && arguments.Count < 3)
                arguments.Add(token);
            else
                throw new HostUserException($"Unexpected argument '{token}' after '{CommandName(command.Value)}'.");
        }

        var resolved = help ? HostCommand.Help : command ?? HostCommand.Run;
        if (rebuild is not null && resolved != HostCommand.Run && resolved != HostCommand.Help)
            throw new HostUserException($"Option '--rebuild' belongs to the 'run' command, not '{CommandName(resolved)}'.");
        if (resolved == HostCommand.Run) target = rebuild;
        if (resolved == HostCommand.Verify) target ??= "all";
        return new CommandLineRequest(resolved, target, overrides, arguments);
    }

    public static string CommandName(HostCommand command) => Commands.First(c => c.Value == command).Key;

    private static (string Name, string? Value) SplitOption(string token)
    {
        var body = token[2..];
        var eq = body.IndexOf('=');
        return eq < 0 ? (body, null) : (body[..eq], body[(eq + 1)..]);
    }

    private static string TakeValue(IReadOnlyList<string> args, ref int i, string option, string hint)
    {
        if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
            throw new HostUserException($"Option '{option}' needs a value ({hint}).");
        i++;
        return args[i];
    }
}
