using System.Text;
using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>What only a real server can show: the documents people query, indexes, upsert races, refusals.</summary>
public sealed class MongoServerTests(MongoServerFixture server) : IAsyncLifetime
{
    private readonly string _database = MongoServerFixture.NewDatabaseName("mongo_store_tests");
    private MongoProjectionStore? _store;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private MongoProjectionStore Store => _store ??= server.CreateStore(_database);

    private MongoClient? _raw;
    private IMongoDatabase Raw => (_raw ??= new MongoClient(server.RequireConnectionString())).GetDatabase(_database);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_store is null) return;
        await Raw.Client.DropDatabaseAsync(_database);
        _store.Dispose();
        _raw?.Dispose();
    }

    private static StoredDocument Item(string key, string status, string station, ulong position) =>
        new(key, Encoding.UTF8.GetBytes($$"""{"status":"{{status}}","currentStation":"{{station}}","deviations":[]}"""),
            (long)position, GlobalPosition.Of(position), null, DateTimeOffset.UnixEpoch);

    private static ProjectionBatch Batch(ulong checkpoint, params StoredDocument[] documents) =>
        new("plant-items", 1, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), null));

    [Fact]
    public async Task Read_models_are_plain_documents_queryable_by_state_fields_with_declared_indexes()
    {
        await Store.EnsureProjection("plant-items", [new IndexDefinition("status"), new IndexDefinition("currentStation")], Token);

        await Store.WriteBatch(Batch(3, Item("item-1", "Active", "S3", 1), Item("item-2", "Active", "S1", 2), Item("item-3", "Lost", "S3", 3)), Token);

        var collection = Raw.GetCollection<BsonDocument>("plant-items.g1");
        var atS3 = await collection.Find(new BsonDocument { { "status", "Active" }, { "currentStation", "S3" } }).ToListAsync(Token);
        atS3.Select(d => d["_id"].AsString).Should().Equal("item-1");
        atS3[0]["_meta"]["position"]["commit"].Should().Be(new BsonInt64(1));
        var indexes = await (await collection.Indexes.ListAsync(Token)).ToListAsync(Token);
        indexes.Select(i => i["name"].AsString).Should().Contain(["status_1", "currentStation_1"]);
        (await Store.LoadCheckpoint("plant-items", 1, Token)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(3), null));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Racing_upserts_of_a_new_key_end_with_the_newest_position_and_no_error(bool useTransactions)
    {
        await Store.EnsureProjection("plant-items", [], Token);
        using var racer = server.CreateStore(_database, useTransactions);

        await Task.WhenAll(Enumerable.Range(1, 16).Select(i =>
            (i % 2 == 0 ? Store : racer).WriteBatch(Batch((ulong)i, Item("item-race", "Active", $"S{i}", (ulong)i)), Token)));

        var stored = await Store.LoadDocument("plant-items", 1, "item-race", Token);
        stored!.Position.Should().Be(GlobalPosition.Of(16));
        Encoding.UTF8.GetString(stored.StateJson.Span).Should().Contain("\"S16\"");
    }

    [Fact]
    public async Task A_document_the_server_refuses_stops_the_batch_naming_the_aggregate()
    {
        await Store.EnsureProjection("plant-items", [], Token);
        await Raw.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "collMod", "plant-items.g1" },
            { "validator", new BsonDocument("status", new BsonDocument("$in", new BsonArray { "Active", "Lost", "Completed" })) },
        }, cancellationToken: Token);

        var act = () => Store.WriteBatch(Batch(2, Item("item-ok", "Active", "S1", 1), Item("item-bad", "Exploded", "S1", 2)), Token);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Key.Should().Be("item-bad");
        (await Store.LoadCheckpoint("plant-items", 1, Token)).Should().BeNull("the checkpoint never passes a refused document");
    }

    [Fact]
    public async Task A_refused_document_in_a_flush_of_several_transactions_is_named()
    {
        // db.runCommand({ collMod: "plant-items.g1", validator: { status: { $in: ["Active", "Lost"] } } })
        // then a flush of 5,000 documents of 10 KB (above the driver's 48 MB split) with one "Exploded".
        await Store.EnsureProjection("plant-items", [], Token);
        await Raw.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "collMod", "plant-items.g1" },
            { "validator", new BsonDocument("status", new BsonDocument("$in", new BsonArray { "Active", "Lost" })) },
        }, cancellationToken: Token);
        var pad = new string('x', 10_000);
        var documents = Enumerable.Range(0, 5_000)
            .Select(i => new StoredDocument($"item-{i:D4}", Encoding.UTF8.GetBytes($$"""{"status":"{{(i == 4_321 ? "Exploded" : "Active")}}","pad":"{{pad}}"}"""),
                1, GlobalPosition.Of((ulong)i + 1), null, DateTimeOffset.UnixEpoch))
            .ToArray();

        var act = () => Store.WriteBatch(Batch(5_001, documents), Token);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Key.Should().Be("item-4321");
        (await Store.LoadCheckpoint("plant-items", 1, Token)).Should().BeNull();
    }
}
