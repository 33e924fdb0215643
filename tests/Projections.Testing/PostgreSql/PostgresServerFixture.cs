using System.Collections.Concurrent;
using Npgsql;
using Xunit;

namespace Projections.Testing.PostgreSql;

/// <summary>
/// One real PostgreSQL per test assembly (register with <c>[assembly: AssemblyFixture(typeof(PostgresServerFixture))]</c>):
/// the server PROJECTIONS_TEST_POSTGRES points at (a connection string whose user may create databases),
/// else a throwaway PostgreSQL 15 started for the run. Each test class asks for a database of its own.
/// Tests skip only where PostgreSQL is not installed, with the reason, or fail under PROJECTIONS_TEST_REQUIRE_SERVERS=1
/// (<see cref="MissingServer"/>); <c>.ci/run</c> fails on that skip too, since CI installs PostgreSQL.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public const string Variable = "PROJECTIONS_TEST_POSTGRES";
    private readonly ConcurrentBag<string> _databases = [];
    private ThrowawayPostgresServer? _server;
    private NpgsqlConnectionStringBuilder? _admin;
    private string _skipReason = "";

    public async ValueTask InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            _admin = new NpgsqlConnectionStringBuilder(fromEnvironment);
            return;
        }
        var (server, reason) = await ThrowawayPostgresServer.Start();
        if (server is null)
        {
            _skipReason = $"{reason}; or set {Variable} to a connection string of an existing server.";
            return;
        }
        _server = server;
        _admin = new NpgsqlConnectionStringBuilder(server.ConnectionString());
    }

    /// <summary>The server's admin connection string, or skips (or fails) the calling test with the reason.</summary>
    public string AdminConnectionString
    {
        get
        {
            if (_admin is null) MissingServer.SkipOrFail(TestServer.PostgreSQL, _skipReason);
            return _admin.ConnectionString;
        }
    }

    /// <summary>Creates an empty database (dropped when the fixture ends) and returns its connection string.</summary>
    public async Task<string> CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            return;
        }
        if (_admin is null) return;
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
