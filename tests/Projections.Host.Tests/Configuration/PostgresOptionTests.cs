using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Projections.Host.Cli;
using Projections.Host.Composition;
using Projections.Host.Configuration;
using Xunit;

namespace Projections.Host.Tests.Configuration;

/// <summary>--postgres: kept as given, printed without its password, and every mistake is one clear error naming the option.</summary>
public sealed class PostgresOptionTests
{
    private const string Password = "hunter2";

    private static HostSettings Read(params string[] args) =>
        HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(CommandLineParser.Parse(args).ConfigOverrides).Build());

    [Fact]
    public void A_connection_string_is_kept_and_printed_without_its_password()
    {
        var setting = Read("--postgres", $"Host=db;Username=projections;Password={Password};Database=plant").Postgres!;

        setting.Value.Should().Be($"Host=db;Username=projections;Password={Password};Database=plant");
        setting.Redacted.Should().ContainEquivalentOf("Host=db").And.Contain("Password=***").And.NotContain(Password);
    }

    [Fact]
    public void The_environment_variable_sets_it_too()
    {
        var settings = HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Projections:Postgres"] = "Host=db" }).Build());

        settings.Postgres!.Value.Should().Be("Host=db");
        settings.UsesSqlite.Should().BeTrue("the embedded event store is still SQLite");
    }

    [Theory]
    [InlineData($"postgres://projections:{Password}@db/plant", "*--postgres*Npgsql connection string*postgres:// URLs are not understood*")]
    [InlineData("db.example.com", "*--postgres*expected an Npgsql connection string*")]
    public void A_url_or_a_bare_host_is_refused_naming_the_option(string value, string message)
    {
        var error = FluentActions.Invoking(() => Read("--postgres", value)).Should().Throw<HostUserException>().WithMessage(message).Which;
        error.Message.Should().NotContain(Password);
    }

    [Fact]
    public void Mongo_and_postgres_together_are_refused() =>
        FluentActions.Invoking(() => Read("--mongo", "mongodb://localhost:27017", "--postgres", "Host=db"))
            .Should().Throw<HostUserException>().WithMessage("*--mongo*--postgres*give one of them*");

    [Theory]
    [InlineData($"Host=db;Passwrd={Password}", "passwrd")]
    [InlineData($"Host=db;Port=many;Password={Password}", "port")]
    public void A_malformed_connection_string_is_refused_naming_the_keyword_but_not_the_password(string value, string keyword)
    {
        var error = FluentActions.Invoking(() => Read("--postgres", value)).Should().Throw<HostUserException>().Which;

        error.Message.Should().Contain("--postgres").And.ContainEquivalentOf(keyword).And.NotContain(Password);
    }

    [Fact]
    public void Another_spelling_of_the_password_keyword_is_redacted_too() =>
        Read("--postgres", $"Host=db;PWD={Password}").Postgres!.Redacted.Should().NotContain(Password);

    [Fact]
    public async Task An_unreachable_server_is_one_error_naming_it_without_the_password()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var data = new Support.TempDirectory();
        var settings = Read("--postgres", $"Host=127.0.0.1;Port={port};Username=u;Password={Password};Timeout=2", "--data-dir", data.Path);

        var error = (await FluentActions.Awaiting(() => AdapterFactory.Open(settings, needsWritableEvents: false, TestContext.Current.CancellationToken))
            .Should().ThrowAsync<HostUserException>()).Which;

        error.Message.Should().StartWith("PostgreSQL at Host=127.0.0.1").And.Contain($"{port}").And.NotContain(Password);
    }
}
