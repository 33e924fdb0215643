using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Ports;
using Xunit;
using static Projections.MongoDb.Tests.Wire.WireFixtures;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>
/// Issue 13, point 4: <c>{ ok: 1, writeConcernError: { code: 64 } }</c> on commands outside the bulk path
/// is a timeout, retried like any transient failure. The driver throws MongoWriteConcernException
/// whose Code reads the top-level code (-1), and labels a commit UnknownTransactionCommitResult.
/// On a real replica set: stop a secondary and set <c>WriteConcernTimeout</c> to 1 s with "majority"
/// on a 3-member set, or <c>db.adminCommand({ configureFailPoint: "failCommand", mode: { times: 1 },
/// data: { failCommands: ["commitTransaction"], writeConcernError: { code: 64, errmsg: "timed out" } } })</c>.
/// </summary>
public sealed class WriteConcernTimeoutTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("create")]
    [InlineData("createIndexes")]
    [InlineData("findAndModify")]
    [InlineData("drop")]
    public async Task A_write_concern_timeout_on_a_command_is_transient(string command)
    {
        var generations = new BsonDocument { { "_id", "plant-items" }, { "active", 1 }, { "building", 2 } };
        await using var server = new ScriptedMongoServer(c => ScriptedMongoServer.NameOf(c) switch
        {
            var name when name == command => WriteConcernTimeout(ScriptedMongoServer.DefaultReply(c)),
            "find" when Collection(c) == "_generations" => ScriptedMongoServer.Cursor("projections._generations", [generations]),
            _ => null,
        });
        using var store = Store(server);

        var act = async () =>
        {
            await store.Initialize(TestContext.Current.CancellationToken);
            await store.EnsureProjection("plant-items", [new IndexDefinition("status")], TestContext.Current.CancellationToken);
            await store.DropGeneration("plant-items", 2, TestContext.Current.CancellationToken);
        };

        (await act.Should().ThrowAsync<ProjectionStoreUnavailableException>()).WithMessage("*waiting for replication timed out*");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_commit_whose_write_concern_timed_out_is_committed_again_in_the_same_transaction()
    {
        var commits = 0;
        await using var server = new ScriptedMongoServer(c => ScriptedMongoServer.NameOf(c) == "commitTransaction" && Interlocked.Increment(ref commits) <= 2
            ? WriteConcernTimeout()
            : null);
        using var store = Store(server);

        await store.WriteBatch(Batch(3), TestContext.Current.CancellationToken);

        var transactions = TransactionLedger.Transactions(server.Commands);
        transactions.Should().ContainSingle("the outcome of a commit is unknown, so the commit is repeated, not the writes")
            .Which.Count(c => ScriptedMongoServer.NameOf(c) == "commitTransaction").Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_commit_that_keeps_timing_out_reports_the_store_unavailable_not_a_refusal()
    {
        await using var server = new ScriptedMongoServer(c => ScriptedMongoServer.NameOf(c) == "commitTransaction" ? WriteConcernTimeout() : null);
        using var store = Store(server);

        var act = () => store.WriteBatch(Batch(3), TestContext.Current.CancellationToken);

        await act.Should().ThrowAsync<ProjectionStoreUnavailableException>();
    }
}
