using FluentAssertions;
using Xunit;
using Projections.Host.Cli;

namespace Projections.Host.Tests;

/// <summary>The README's configuration table is what users read; it must list every option the host accepts, correctly.</summary>
public sealed class ReadmeTests
{
    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Projections.sln")))
                return Path.Combine(dir.FullName, "README.md");
        }
        throw new InvalidOperationException("Projections.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_configuration_table_has_a_row_per_option_with_its_key_default_and_environment_variable()
    {
        var rows = File.ReadAllLines(ReadmePath()).Where(l => l.StartsWith("| `--", StringComparison.Ordinal)).ToList();

        rows.Should().HaveCount(HostOptionCatalog.All.Count);
        foreach (var option in HostOptionCatalog.All)
        {
            var row = rows.Should().ContainSingle(r => r.StartsWith($"| `--{option.Name} ", StringComparison.Ordinal) ||
                                                      r.StartsWith($"| `--{option.Name}`", StringComparison.Ordinal)).Subject;
            row.Should().Contain($"`{option.ConfigKey}`").And.Contain($"`{option.EnvironmentVariable}");
            if (!option.IsFlag) row.Should().Contain($"| {option.Default} |");
        }
    }

    [Fact]
    public void The_first_command_and_the_test_command_are_there() =>
        File.ReadAllText(ReadmePath()).Should().Contain("dotnet run --project src/Projections.Host").And.Contain("dotnet test");
}
