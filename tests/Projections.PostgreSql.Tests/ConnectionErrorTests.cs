using FluentAssertions;
using Npgsql;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;

namespace Projections.PostgreSql.Tests;

/// <summary>A bad connection string or an unreachable server gives one clear error naming the problem, never the password.</summary>
public sealed class ConnectionErrorTests(PostgresServerFixture server)
{
    private const string Password = "hunter2-secret";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData($"Host=127.0.0.1;Passwrd={Password}", "passwrd")]
    [InlineData($"Username=projections;Password={Password}", "Host")]
    [InlineData($"Host=127.0.0.1;Port=not-a-port;Password={Password}", "port")]
    [InlineData("", "empty")]
    public void A_malformed_connection_string_is_refused_before_connecting(string connectionString, string named)
    {
        var open = () => new PostgresProjectionStore(new PostgresProjectionStoreOptions(connectionString));

        var error = open.Should().Throw<PostgresStoreConfigurationException>().Which;
        error.Message.Should().ContainEquivalentOf(named).And.NotContain(Password);
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable_naming_host_and_port_but_not_the_password()
    {
        var port = LoopbackPort.Unused();
        await using var store = new PostgresProjectionStore(new PostgresProjectionStoreOptions($"Host=127.0.0.1;Port={port};Username=u;Password={Password};Timeout=2"));

        var error = (await store.Invoking(s => s.Initialize(Ct)).Should().ThrowAsync<ProjectionStoreUnavailableException>()).Which;

        error.Message.Should().Contain($"127.0.0.1:{port}").And.NotContain(Password);
        store.Description.Should().NotContain(Password);
    }

    [Fact]
    public async Task A_missing_database_is_a_clear_permanent_error()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = "no_such_database", Password = Password }.ConnectionString;
        await using var store = new PostgresProjectionStore(new PostgresProjectionStoreOptions(connectionString));

        var error = (await store.Invoking(s => s.Initialize(Ct)).Should().ThrowAsync<PostgresStoreException>()).Which;

        error.Message.Should().Contain("no_such_database").And.NotContain(Password);
    }
}
