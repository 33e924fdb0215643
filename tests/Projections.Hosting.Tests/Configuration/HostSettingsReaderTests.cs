using FluentAssertions;
using Xunit;
using Microsoft.Extensions.Configuration;
using Projections.Core;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Projections.Hosting.Tests.Support;

namespace Projections.Hosting.Tests.Configuration;

public sealed class HostSettingsReaderTests
{
    private static HostSettings Read(params string[] args) => TestApp.Read(args);

    [Fact]
    public void Defaults_use_the_embedded_stores_under_data_and_listen_on_loopback_5080()
    {
        var settings = Read();

        settings.DataDirectory.Should().Be(Path.GetFullPath("./data"));
        settings.EventSource.Should().BeNull();
        settings.ProjectionStore.Should().BeNull();
        settings.Urls.Should().Equal("http://127.0.0.1:5080");
        settings.Engine.Should().Be(new ProjectionEngineOptions());
        settings.Progress.Should().Be(ProgressMode.Auto);
        settings.AdminToken.Should().BeNull();
    }

    [Fact]
    public void Engine_tuning_options_reach_the_engine_options()
    {
        var engine = Read("--partitions", "3", "--max-batch-size", "100", "--max-flush-interval", "250ms",
            "--max-unflushed-events", "1000", "--max-unflushed-bytes", "65536", "--max-live-aggregates", "50",
            "--wall-clock-advance", "false", "--allowed-lateness", "90s", "--memory-budget", "67108864", "--lease-ttl", "20s").Engine;

        engine.Should().Be(new ProjectionEngineOptions
        {
            Partitions = 3,
            MaxBatchSize = 100,
            MaxFlushInterval = TimeSpan.FromMilliseconds(250),
            MaxUnflushedEvents = 1000,
            MaxUnflushedBytes = 65536,
            MaxLiveAggregates = 50,
            WallClockAdvancesIdleStreamTime = false,
            AllowedLateness = TimeSpan.FromSeconds(90),
            MemoryBudget = 64 * 1024 * 1024,
            LeaseTimeToLive = TimeSpan.FromSeconds(20),
            LeaseRenewInterval = TimeSpan.FromSeconds(2),
        });
    }

    [Theory]
    [InlineData("00:00:02", 2000)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("40ms", 40)]
    [InlineData("1m", 60_000)]
    public void Durations_accept_units_and_timespans(string text, int milliseconds) =>
        Read("--max-flush-interval", text).Engine.MaxFlushInterval.Should().Be(TimeSpan.FromMilliseconds(milliseconds));

    [Fact]
    public void Appsettings_then_environment_then_command_line_each_override_the_previous()
    {
        using var directory = new Projections.Testing.TempDirectory();
        File.WriteAllText(directory.Combine("appsettings.json"),
            """{ "Projections": { "Engine": { "Partitions": 2, "MaxBatchSize": 3, "MaxLiveAggregates": 1 } } }""");
        Environment.SetEnvironmentVariable("PROJECTIONS__ENGINE__MAXLIVEAGGREGATES", "9");
        try
        {
            var builder = TestApp.Builder(directory.Path);
            var registration = builder.Services.AddProjections().Registration;
            builder.Configuration.AddInMemoryCollection(TestApp.Overrides(registration, "--max-batch-size", "11"));

            var settings = HostSettingsReader.Read(builder.Configuration, registration);

            settings.Engine.Partitions.Should().Be(2);
            settings.Engine.MaxLiveAggregates.Should().Be(9);
            settings.Engine.MaxBatchSize.Should().Be(11);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PROJECTIONS__ENGINE__MAXLIVEAGGREGATES", null);
        }
    }

    [Fact]
    public void Environment_variable_names_are_the_configuration_keys_with_double_underscores()
    {
        EngineSettings.All[0].Option.EnvironmentVariable.Should().Be("PROJECTIONS__ENGINE__PARTITIONS");
        HostOptionCatalog.AdminToken.EnvironmentVariable.Should().Be("PROJECTIONS__WEB__ADMINTOKEN");
    }

    [Theory]
    [InlineData(new[] { "--partitions", "zero" }, "Invalid value 'zero' for --partitions (Projections:Engine:Partitions, PROJECTIONS__ENGINE__PARTITIONS): expected a whole number from 1 to 1024.")]
    [InlineData(new[] { "--partitions", "0" }, "Invalid value '0' for --partitions (Projections:Engine:Partitions, PROJECTIONS__ENGINE__PARTITIONS): expected a whole number from 1 to 1024.")]
    [InlineData(new[] { "--max-flush-interval", "soon" }, "Invalid value 'soon' for --max-flush-interval (Projections:Engine:MaxFlushInterval, PROJECTIONS__ENGINE__MAXFLUSHINTERVAL): expected a duration from 1ms to 1h such as 500ms, 2s, 5m or 00:00:02.")]
    [InlineData(new[] { "--wall-clock-advance", "maybe" }, "Invalid value 'maybe' for --wall-clock-advance (Projections:Engine:WallClockAdvance, PROJECTIONS__ENGINE__WALLCLOCKADVANCE): expected true or false.")]
    [InlineData(new[] { "--allowed-lateness", "0s" }, "Invalid value '0s' for --allowed-lateness (Projections:Engine:AllowedLateness, PROJECTIONS__ENGINE__ALLOWEDLATENESS): expected a duration from 1ms to 24h such as 500ms, 2s, 5m or 00:00:02.")]
    [InlineData(new[] { "--on-poison", "skip" }, "Invalid value 'skip' for --on-poison (Projections:Engine:OnPoison, PROJECTIONS__ENGINE__ONPOISON): expected stop or park.")]
    [InlineData(new[] { "--progress", "fancy" }, "Invalid value 'fancy' for --progress (Projections:Progress, PROJECTIONS__PROGRESS): expected one of auto, live, plain, off.")]
    [InlineData(new[] { "--urls", "127.0.0.1:5080" }, "Invalid value '127.0.0.1:5080' for --urls (Projections:Web:Urls, PROJECTIONS__WEB__URLS): expected http:// or https:// addresses separated by ';', such as http://127.0.0.1:5080.")]
    public void Bad_values_name_the_option_its_sources_and_the_value(string[] args, string message) =>
        FluentActions.Invoking(() => Read(args)).Should().Throw<HostUserException>().WithMessage(message);

    [Fact]
    public void Several_urls_and_any_address_forms_are_accepted() =>
        Read("--urls", "http://127.0.0.1:0; http://*:8080;https://+:8443").Urls
            .Should().Equal("http://127.0.0.1:0", "http://*:8080", "https://+:8443");

    [Fact]
    public void The_admin_token_goes_to_the_web_section_the_web_api_reads()
    {
        var registration = TestApp.Registration();
        var overrides = TestApp.Overrides(registration, "--admin-token", "s3cret-at-least-16");

        overrides.Should().ContainKey("Projections:Web:AdminToken").WhoseValue.Should().Be("s3cret-at-least-16");
        HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(overrides).Build(), registration).AdminToken.Should().Be("s3cret-at-least-16");
    }

    [Fact]
    public void On_poison_overrides_every_projection_and_a_per_projection_key_wins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Projections:Engine:OnPoison"] = "park",
            ["Projections:Projections:station-load:OnPoison"] = "Stop",
        }).Build();

        var engine = HostSettingsReader.Read(configuration, TestApp.Registration()).Engine;

        engine.OnPoison.Should().Be(Projections.Core.Projections.PoisonEventPolicy.Park);
        engine.OnPoisonByProjection.Should().BeEquivalentTo(new Dictionary<string, Projections.Core.Projections.PoisonEventPolicy>
        {
            ["station-load"] = Projections.Core.Projections.PoisonEventPolicy.Stop,
        });
    }

    [Fact]
    public void A_per_projection_policy_with_a_bad_value_names_its_key() =>
        FluentActions.Invoking(() => HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
                new Dictionary<string, string?> { ["Projections:Projections:plant-items:OnPoison"] = "later" }).Build(), TestApp.Registration()))
            .Should().Throw<HostUserException>()
            .WithMessage("Invalid value 'later' for --on-poison (Projections:Projections:plant-items:OnPoison, PROJECTIONS__PROJECTIONS__PLANT-ITEMS__ONPOISON): expected stop or park.");

    [Fact]
    public void Allowed_hosts_default_to_loopback_names_and_the_concrete_hosts_of_the_urls()
    {
        Read("--urls", "http://0.0.0.0:5080;https://plant.example.com:8443;http://[::1]:5081").AllowedHosts
            .Should().BeEquivalentTo("localhost", "127.0.0.1", "[::1]", "plant.example.com");
        Read("--allowed-hosts", "plant.example.com; *.corp.example").AllowedHosts.Should().Equal("plant.example.com", "*.corp.example");
    }

    [Fact]
    public void An_allowed_host_with_a_scheme_or_port_is_an_error_naming_the_option()
    {
        var read = () => Read("--allowed-hosts", "http://plant.example.com:80");

        read.Should().Throw<HostUserException>().WithMessage("*--allowed-hosts (Projections:Web:AllowedHosts, PROJECTIONS__WEB__ALLOWEDHOSTS)*without scheme or port*");
    }
}
