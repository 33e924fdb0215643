using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Xunit;

namespace Projections.PostgreSql.Tests.Hosting;

/// <summary>UsePostgreSql: --postgres selects PostgreSQL, is kept as given, printed without its password, and every mistake is one clear error naming the option.</summary>
public sealed class PostgreSqlOptionTests
{
    private const string Password = "hunter2";

    private static HostSettings Read(string? value, string? inCode = null)
    {
        var registration = new ServiceCollection().AddProjections().UsePostgreSql(inCode).Registration;
        var values = new Dictionary<string, string?>();
        if (value is not null) values["Projections:Postgres"] = value;
        return HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), registration);
    }

    [Fact]
    public void The_postgres_option_is_listed_with_the_host_options() =>
        new ServiceCollection().AddProjections().UsePostgreSql().Registration.Options.Select(o => o.Name).Should().Contain("postgres");

    [Fact]
    public void A_connection_string_is_kept_and_printed_without_its_password()
    {
        var selected = Read($"Host=db;Username=projections;Password={Password};Database=plant").ProjectionStore!;

        selected.Provider.Product.Should().Be("PostgreSQL");
        selected.Connection.Value.Should().Be($"Host=db;Username=projections;Password={Password};Database=plant");
        selected.Connection.Redacted.Should().ContainEquivalentOf("Host=db").And.Contain("Password=***").And.NotContain(Password);
    }

    [Fact]
    public void A_connection_string_given_in_code_selects_postgresql_and_configuration_overrides_it()
    {
        Read(null, inCode: "Host=code").ProjectionStore!.Connection.Value.Should().Be("Host=code");
        Read("Host=config", inCode: "Host=code").ProjectionStore!.Connection.Value.Should().Be("Host=config");
        Read(null).ProjectionStore.Should().BeNull("without a connection string the embedded store is used");
    }

    [Theory]
    [InlineData($"postgres://projections:{Password}@db/plant", "*--postgres*Npgsql connection string*postgres:// URLs are not understood*")]
    [InlineData("db.example.com", "*--postgres*expected an Npgsql connection string*")]
    public void A_url_or_a_bare_host_is_refused_naming_the_option(string value, string message)
    {
        var error = FluentActions.Invoking(() => Read(value)).Should().Throw<HostUserException>().WithMessage(message).Which;
        error.Message.Should().NotContain(Password);
    }

    [Theory]
    [InlineData($"Host=db;Passwrd={Password}", "passwrd")]
    [InlineData($"Host=db;Port=many;Password={Password}", "port")]
    public void A_malformed_connection_string_is_refused_naming_the_keyword_but_not_the_password(string value, string keyword)
    {
        var error = FluentActions.Invoking(() => Read(value)).Should().Throw<HostUserException>().Which;

        error.Message.Should().Contain("--postgres").And.ContainEquivalentOf(keyword).And.NotContain(Password);
    }

    [Fact]
    public void Another_spelling_of_the_password_keyword_is_redacted_too() =>
        Read($"Host=db;PWD={Password}").ProjectionStore!.Connection.Redacted.Should().NotContain(Password);
}
