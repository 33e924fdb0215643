using FluentAssertions;
using Xunit;
using PlantTracking.Tests.App;
using Projections.Hosting;

namespace PlantTracking.Tests;

/// <summary>The README's configuration table is what users read; it must list every option the host accepts, correctly.</summary>
public sealed class ReadmeTests
{
    private static string ReadmePath() => RepositoryRoot.Combine("README.md");

    [Fact]
    public void The_configuration_table_has_a_row_per_option_with_its_key_default_and_environment_variable()
    {
        var rows = File.ReadAllLines(ReadmePath()).Where(l => l.StartsWith("| `--", StringComparison.Ordinal)).ToList();

        var options = PlantApp.Builder().Services.AddProjections().Registration.Options;
        rows.Should().HaveCount(options.Count);
        foreach (var option in options)
        {
            var row = rows.Should().ContainSingle(r => r.StartsWith($"| `--{option.Name} ", StringComparison.Ordinal) ||
                                                      r.StartsWith($"| `--{option.Name}`", StringComparison.Ordinal)).Subject;
            row.Should().Contain($"`{option.ConfigKey}`").And.Contain($"`{option.EnvironmentVariable}");
            if (!option.IsFlag) row.Should().Contain($"| {option.Default} |");
        }
    }

    [Fact]
    public void The_first_command_and_the_test_command_are_there() =>
        File.ReadAllText(ReadmePath()).Should().Contain("dotnet run --project projections/PlantTracking.App").And.Contain("dotnet test");
}
