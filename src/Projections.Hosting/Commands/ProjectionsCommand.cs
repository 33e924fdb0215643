namespace Projections.Hosting.Commands;

/// <summary>
/// A command of the application's command line beside run, status and verify, added with
/// <see cref="ProjectionsBuilder.AddCommand"/>. It accepts every option the host knows (read them from
/// <see cref="CommandContext.Builder"/>'s configuration or <see cref="CommandContext.Settings"/>) and
/// at most one positional argument.
/// </summary>
public abstract class ProjectionsCommand(string name, string description)
{
    /// <summary>The word on the command line ("simulate").</summary>
    public string Name { get; } = name;

    /// <summary>One line for the help.</summary>
    public string Description { get; } = description;

    /// <summary>The optional positional argument's name and help line; null when the command takes none.</summary>
    public virtual CommandArgument? Argument => null;

    /// <summary>
    /// Runs the command and returns its exit code (<see cref="ExitCodes"/>). Throw
    /// <see cref="HostUserException"/> for a mistake the user can fix: it becomes one line and exit code 2.
    /// </summary>
    public abstract Task<int> ExecuteAsync(CommandContext context);
}

/// <summary>A command's optional positional argument.</summary>
public sealed record CommandArgument(string Name, string Description);
