namespace Projections.Hosting.Settings;

/// <summary>
/// One setting of the host: its command-line name, its configuration key (appsettings.json and, with
/// ':' written as '__', the environment), its default and what it does. The help text and the README's
/// configuration table are both produced from <see cref="HostOptionCatalog"/>.
/// </summary>
public sealed record HostOption(
    string Name,
    string ConfigKey,
    string? ValueHint,
    string Default,
    string Description,
    bool Secret = false,
    string? FlagValue = null)
{
    /// <summary>A flag takes no value on the command line; it sets <see cref="FlagValue"/>.</summary>
    public bool IsFlag => FlagValue is not null;

    /// <summary>The configuration key as an environment variable: PROJECTIONS__ENGINE__PARTITIONS.</summary>
    public string EnvironmentVariable => ConfigKey.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>How errors name the option: the flag, the configuration key and the environment variable.</summary>
    public string Display => $"--{Name} ({ConfigKey}, {EnvironmentVariable})";
}
