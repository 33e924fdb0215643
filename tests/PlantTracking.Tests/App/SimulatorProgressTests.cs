using FluentAssertions;
using Microsoft.Extensions.Configuration;
using PlantTracking.App.Simulation;

namespace PlantTracking.Tests.App;

public sealed class SimulatorProgressTests
{
    [Theory]
    [InlineData(true, null, "2,000 ev/s, 12,345 appended")]
    [InlineData(false, null, "finished, 12,345 appended")]
    [InlineData(false, "disk full", "failed after 12,345 events: disk full")]
    public void Simulator_line_says_whether_it_runs(bool running, string? error, string expected) =>
        SimulatorRunner.Describe(new SimulatorProgress(12_345, 2000, running, error)).Should().Be(expected);

    [Fact]
    public void Simulator_options_are_read()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Projections:Simulator:Enabled"] = "false", ["Projections:Simulator:Items"] = "20", ["Projections:Simulator:Stations"] = "4",
            ["Projections:Simulator:Rate"] = "1500.5", ["Projections:Simulator:Duration"] = "2m", ["Projections:Simulator:TotalEvents"] = "9000",
            ["Projections:Simulator:Seed"] = "-7",
        }).Build();

        SimulatorOptions.Read(configuration).Should().Be(new SimulatorSettings(false, 20, 4, 1500.5, TimeSpan.FromMinutes(2), 9000, -7));
    }

    [Theory]
    [InlineData("Rate", "-5", "Invalid value '-5' for --rate (Projections:Simulator:Rate, PROJECTIONS__SIMULATOR__RATE): expected events per second (a number greater than 0) or max.")]
    [InlineData("Stations", "1", "Invalid value '1' for --stations (Projections:Simulator:Stations, PROJECTIONS__SIMULATOR__STATIONS): expected a whole number from 2 to 10000.")]
    public void Bad_simulator_values_name_the_option(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Projections:Simulator:{key}"] = value }).Build();

        FluentActions.Invoking(() => SimulatorOptions.Read(configuration)).Should().Throw<Projections.Hosting.HostUserException>().WithMessage(message);
    }
}
