using Microsoft.Extensions.Configuration;

namespace Projections.Host.Configuration;

/// <summary>
/// The host's configuration sources, lowest precedence first: appsettings.json beside the executable,
/// environment variables (PROJECTIONS__ENGINE__PARTITIONS=4), then the command line.
/// </summary>
public static class HostConfiguration
{
    public static IConfigurationRoot Build(IReadOnlyDictionary<string, string?> commandLineOverrides, string? basePath = null)
    {
        return new ConfigurationBuilder()
            .SetBasePath(basePath ?? AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(commandLineOverrides)
            .Build();
    }
}
