using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Ports;
using Xunit;
using static Projections.MongoDb.Tests.Wire.WireFixtures;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>
/// Issue 13, point 6: since MongoDB 4.2 the server retries an upsert that lost an insert race on the
/// unique index its query matches by equality (here _id) itself, and inside a transaction the race is a
/// WriteConflict; so a DuplicateKey reaching the store comes from another unique index (one an operator
/// added) and retrying can never help — unless it is on "_id_", the race surfacing after the server's
/// own retries. On a real server:
/// <c>db.getCollection("plant-items.g1").createIndex({ status: 1 }, { unique: true })</c>, then two items
/// with the same status.
/// </summary>
public sealed class DuplicateKeyTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_duplicate_key_on_another_unique_index_stops_naming_the_aggregate_and_the_index(bool useTransactions)
    {
        var ledger = new TransactionLedger();
        await using var server = new ScriptedMongoServer(c =>
        {
            if (ledger.Refuse(c) is { } refused) return refused;
            if (!IsUpdateOf(c, Documents)) return null;
            var index = Ids(c).ToList().IndexOf(Key(2));
            if (index < 0) return null;
            ledger.Abort(c);
            return WriteError(index, 11000,
                """E11000 duplicate key error collection: projections.plant-items.g1 index: status_1 dup key: { status: "Active" }""",
                new BsonDocument { { "keyPattern", new BsonDocument("status", 1) }, { "keyValue", new BsonDocument("status", "Active") } });
        });
        using var store = Store(server, useTransactions);

        var act = () => store.WriteBatch(Batch(5), TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which;
        error.Key.Should().Be(Key(2));
        error.Message.Should().Contain("index: status_1");
        server.Commands.Count(c => IsUpdateOf(c, Documents)).Should().Be(1, "a duplicate key is not retried");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_id_upsert_race_the_server_gave_up_retrying_is_written_again(bool useTransactions)
    {
        // The server retries this race itself a few times; only under heavy contention does it surface.
        var ledger = new TransactionLedger();
        var raced = 0;
        await using var server = new ScriptedMongoServer(c =>
        {
            if (ledger.Refuse(c) is { } refused) return refused;
            if (!IsUpdateOf(c, Documents) || Interlocked.Increment(ref raced) > 1) return null;
            ledger.Abort(c);
            return WriteError(0, 11000, $$"""E11000 duplicate key error collection: projections.plant-items.g1 index: _id_ dup key: { _id: "{{Key(0)}}" }""",
                new BsonDocument { { "keyPattern", new BsonDocument("_id", 1) }, { "keyValue", new BsonDocument("_id", Key(0)) } });
        });
        using var store = Store(server, useTransactions);

        await store.WriteBatch(Batch(3), TestContext.Current.CancellationToken);

        server.Commands.Count(c => IsUpdateOf(c, Documents)).Should().Be(2);
        server.Commands.Should().Contain(c => IsUpdateOf(c, "_checkpoints"));
    }
}
