using Projections.Testing;
using Testcontainers.MongoDb;
using Xunit;

[assembly: AssemblyFixture(typeof(Projections.MongoDb.Tests.MongoServerFixture))]

namespace Projections.MongoDb.Tests;

/// <summary>
/// A real MongoDB for the tests that need one: PROJECTIONS_TEST_MONGO, else a Testcontainers replica
/// set when a Docker engine answers, else none (those tests skip naming the variable, or fail under
/// PROJECTIONS_TEST_REQUIRE_SERVERS=1: see <see cref="MissingServer"/>).
/// </summary>
public sealed class MongoServerFixture : IAsyncLifetime
{
    public const string Variable = "PROJECTIONS_TEST_MONGO";
    private MongoDbContainer? _container;
    private string? _connectionString;
    private string _skipReason = "";

    public async ValueTask InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            _connectionString = fromEnvironment;
            return;
        }
        if (!await DockerProbe.Answers(TimeSpan.FromSeconds(2)))
        {
            _skipReason = $"set {Variable} to a connection string (e.g. mongodb://localhost:27017/?directConnection=true) or make a Docker engine available for Testcontainers.";
            return;
        }
        try
        {
            _container = new MongoDbBuilder("mongo:8.0").WithReplicaSet().Build();
            await _container.StartAsync();
            _connectionString = _container.GetConnectionString();
        }
        catch (Exception e)
        {
            _skipReason = $"Docker answered but the MongoDB container did not start ({e.Message}); set {Variable} to use an existing server.";
        }
    }

    /// <summary>The server's connection string, or skips (or fails) the calling test with the reason.</summary>
    public string RequireConnectionString()
    {
        if (_connectionString is null) MissingServer.SkipOrFail(TestServer.MongoDB, _skipReason);
        return _connectionString;
    }

    /// <summary>A store on a database of its own, dropped by the caller when done.</summary>
    public MongoProjectionStore CreateStore(string database, bool useTransactions = true) => new(new MongoProjectionStoreOptions
    {
        ConnectionString = RequireConnectionString(),
        DatabaseName = database,
        UseTransactionsWhenAvailable = useTransactions,
    });

    public static string NewDatabaseName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)];

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
