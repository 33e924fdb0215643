using System.Text;
using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>
/// Issue 13 against a real server (PROJECTIONS_TEST_MONGO or Testcontainers; skipped otherwise): what a
/// server refuses or answers with a retry, reproduced with an operator's index or collation, or with the
/// <c>failCommand</c> fail point (needs <c>mongod --setParameter enableTestCommands=1</c>; scoped to this
/// test's appName so parallel tests are not affected). A real TransactionTooLargeForCache needs a small
/// cache: <c>mongod --replSet rs0 --wiredTigerCacheSizeGB 0.25</c> and a flush of 5,000 states of 10 KB.
/// </summary>
public sealed class MongoServerRefusalTests(MongoServerFixture server) : IAsyncLifetime
{
    private readonly string _database = MongoServerFixture.NewDatabaseName("mongo_refusals");
    private readonly string _appName = $"refusals-{Guid.NewGuid():N}"[..24];
    private MongoProjectionStore? _store;
    private MongoClient? _raw;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private MongoProjectionStore Store => _store ??= new MongoProjectionStore(new MongoProjectionStoreOptions
    {
        ConnectionString = WithAppName(server.RequireConnectionString(), _appName),
        DatabaseName = _database,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    });

    private IMongoDatabase Raw => (_raw ??= new MongoClient(server.RequireConnectionString())).GetDatabase(_database);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_raw is not null)
        {
            await FailPoint(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } }, required: false);
            await _raw.DropDatabaseAsync(_database);
        }
        _store?.Dispose();
        _raw?.Dispose();
    }

    internal static string WithAppName(string connectionString, string appName)
    {
        var separator = connectionString.Contains('?') ? "&" : connectionString.IndexOf('/', connectionString.IndexOf("://", StringComparison.Ordinal) + 3) >= 0 ? "?" : "/?";
        return $"{connectionString}{separator}appName={appName}";
    }

    private static StoredDocument Item(string key, string json, ulong position) =>
        new(key, Encoding.UTF8.GetBytes(json), 1, GlobalPosition.Of(position), null, DateTimeOffset.UnixEpoch);

    private static ProjectionBatch Batch(ulong checkpoint, params StoredDocument[] documents) =>
        new("plant-items", 1, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), null));

    private static StoredDocument[] Items(int count) =>
        Enumerable.Range(0, count).Select(i => Item($"item-{i:D4}", $$"""{"status":"S{{i}}"}""", (ulong)i + 1)).ToArray();

    /// <summary>Turns on failCommand for this test's connections only; skips, naming the reason, where test commands are off.</summary>
    private async Task FailNext(int times, BsonDocument data)
    {
        data["appName"] = _appName;
        await FailPoint(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", new BsonDocument("times", times) }, { "data", data } }, required: true);
    }

    private async Task FailPoint(BsonDocument command, bool required)
    {
        try
        {
            await Raw.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command, cancellationToken: Token);
        }
        catch (MongoCommandException e) when (!required || e.Code is 59 or 13) // CommandNotFound, Unauthorized
        {
            if (required) Assert.Skip($"The server does not allow the failCommand fail point (start mongod with --setParameter enableTestCommands=1): {e.Message}");
        }
    }

    private async Task RequireTransactions()
    {
        await Store.Initialize(Token);
        if (!Store.UsesTransactions) Assert.Skip("This case is about transactions; the server is not a replica set.");
    }

    [Fact]
    public async Task A_commit_whose_write_concern_times_out_is_committed_again()
    {
        await RequireTransactions();
        await Store.EnsureProjection("plant-items", [], Token);
        await FailNext(2, new BsonDocument
        {
            { "failCommands", new BsonArray { "commitTransaction" } },
            { "writeConcernError", new BsonDocument { { "code", 64 }, { "codeName", "WriteConcernFailed" }, { "errmsg", "waiting for replication timed out" } } },
        });

        await Store.WriteBatch(Batch(3, Items(3)), Token);

        (await Store.LoadCheckpoint("plant-items", 1, Token)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(3), null));
    }

    [Theory]
    [InlineData(388, true)]
    [InlineData(290, false)]
    [InlineData(112, true)]
    public async Task A_transaction_too_large_too_long_or_in_conflict_is_written_again(int code, bool labelled)
    {
        await RequireTransactions();
        await Store.EnsureProjection("plant-items", [], Token);
        var data = new BsonDocument { { "failCommands", new BsonArray { "update" } }, { "errorCode", code } };
        if (labelled) data.Add("errorLabels", new BsonArray { "TransientTransactionError" });
        await FailNext(1, data);

        await Store.WriteBatch(Batch(40, Items(40)), Token);

        (await Store.LoadAllDocuments("plant-items", 1, Token).ToListAsync(Token)).Should().HaveCount(40);
        (await Store.LoadCheckpoint("plant-items", 1, Token)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(40), null));
    }

    [Fact]
    public async Task A_write_concern_timeout_on_create_is_retried()
    {
        await FailNext(1, new BsonDocument
        {
            { "failCommands", new BsonArray { "create" } },
            { "writeConcernError", new BsonDocument { { "code", 64 }, { "codeName", "WriteConcernFailed" }, { "errmsg", "waiting for replication timed out" } } },
        });

        await Store.EnsureProjection("plant-items", [], Token);

        (await Store.LoadCheckpoint("plant-items", 1, Token)).Should().BeNull();
    }

    [Fact]
    public async Task A_unique_index_an_operator_added_stops_the_flush_naming_the_aggregate()
    {
        // db.getCollection("plant-items.g1").createIndex({ status: 1 }, { unique: true })
        await Store.EnsureProjection("plant-items", [], Token);
        await Raw.GetCollection<BsonDocument>("plant-items.g1").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("status", 1), new CreateIndexOptions { Unique = true }), cancellationToken: Token);

        var act = () => Store.WriteBatch(Batch(2, Item("item-1", """{"status":"Active"}""", 1), Item("item-2", """{"status":"Active"}""", 2)), Token);

        var error = (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which;
        error.Key.Should().BeOneOf("item-1", "item-2");
        error.Message.Should().Contain("status_1");
    }

    [Fact]
    public async Task An_index_an_operator_made_on_a_declared_field_is_used()
    {
        // db.getCollection("plant-items.g1").createIndex({ status: 1 }, { name: "by_status" })
        await Raw.GetCollection<BsonDocument>("plant-items.g1").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("status", 1), new CreateIndexOptions { Name = "by_status" }), cancellationToken: Token);

        await Store.EnsureProjection("plant-items", [new IndexDefinition("status")], Token);

        var names = await (await Raw.GetCollection<BsonDocument>("plant-items.g1").Indexes.ListAsync(Token)).ToListAsync(Token);
        names.Select(i => i["name"].AsString).Should().BeEquivalentTo("_id_", "by_status");
    }

    [Fact]
    public async Task A_generation_collection_with_a_case_insensitive_collation_is_refused()
    {
        // db.createCollection("plant-items.g1", { collation: { locale: "en", strength: 2 } })
        await Raw.CreateCollectionAsync("plant-items.g1", new CreateCollectionOptions { Collation = new Collation("en", strength: CollationStrength.Secondary) }, Token);

        var act = () => Store.EnsureProjection("plant-items", [], Token);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*collation*'en'*");
    }

    [Fact]
    public async Task The_deepest_state_accepted_is_stored_and_read_back()
    {
        await Store.EnsureProjection("plant-items", [], Token);
        var deep = new StringBuilder().Insert(0, "{\"a\":", JsonToBson.MaxStateDepth - 1).Append("{}").Append('}', JsonToBson.MaxStateDepth - 1).ToString();

        await Store.WriteBatch(Batch(1, Item("item-deep", deep, 1)), Token);

        Encoding.UTF8.GetString((await Store.LoadDocument("plant-items", 1, "item-deep", Token))!.StateJson.Span).Should().Be(deep);
    }
}
