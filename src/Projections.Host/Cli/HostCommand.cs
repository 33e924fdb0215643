namespace Projections.Host.Cli;

public enum HostCommand { Run, Status, Verify, Simulate, DeadLetters, Help }

/// <summary>
/// What the command line asked for. Options become configuration overrides (the highest-precedence
/// configuration source) so appsettings.json, the environment and the command line are validated alike.
/// </summary>
/// <param name="Target">For <c>run --rebuild</c> and <c>verify</c>: a projection name or "all".</param>
/// <param name="Arguments">For <c>dead-letters</c>: its words (list|show|export, projection, position).</param>
public sealed record CommandLineRequest(HostCommand Command, string? Target, IReadOnlyDictionary<string, string?> ConfigOverrides, IReadOnlyList<string>? Arguments = null);
