using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Ports;
using Xunit;
using static Projections.MongoDb.Tests.Wire.WireFixtures;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>
/// Issue 13, points 2 and 3: a flush is written in transactions small enough that the driver never
/// splits one into several commands (it splits above hello's maxWriteBatchSize statements or
/// maxMessageSizeBytes), so the server's first refusal is the error the store sees; a transaction the
/// server finds too large or too long is split smaller; the checkpoint only goes in the last one.
/// On a real server: <c>db.adminCommand({ setParameter: 1, transactionLifetimeLimitSeconds: 1 })</c>, or
/// <c>mongod --wiredTigerCacheSizeGB 0.25</c> with 10 KB states, reproduces 290 and 388.
/// </summary>
public sealed class FlushSplittingTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(100, 48_000_000, 250, 20)]     // more statements than maxWriteBatchSize
    [InlineData(100_000, 300_000, 60, 10_000)] // more bytes than maxMessageSizeBytes
    public async Task Each_transaction_is_one_update_command_and_the_checkpoint_is_in_the_last(int maxWriteBatchSize, int maxMessageSizeBytes, int documents, int stateBytes)
    {
        await using var server = new ScriptedMongoServer(_ => null, maxWriteBatchSize, maxMessageSizeBytes);
        using var store = Store(server);

        await store.WriteBatch(Batch(documents, stateBytes), TestContext.Current.CancellationToken);

        var transactions = TransactionLedger.Transactions(server.Commands);
        transactions.Should().HaveCountGreaterThan(1);
        foreach (var transaction in transactions)
        {
            transaction.Count(c => IsUpdateOf(c, Documents)).Should().BeLessThanOrEqualTo(1, "the driver must not split a transaction's documents into several commands");
            ScriptedMongoServer.NameOf(transaction.Last()).Should().Be("commitTransaction");
        }
        transactions.SelectMany(t => t.Where(c => IsUpdateOf(c, Documents)).SelectMany(Ids)).Should().Equal(Enumerable.Range(0, documents).Select(Key));
        transactions.Select(t => t.Any(c => IsUpdateOf(c, "_checkpoints"))).Should().EndWith(true).And.ContainSingle(x => x, "only the last transaction carries the checkpoint");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refused_document_in_a_large_flush_is_named_not_retried_as_unavailable()
    {
        // The server aborts a transaction at a statement's write error; every later command of it gets
        // NoSuchTransaction (251, TransientTransactionError). Were the driver to split the flush, that 251
        // would be all the store sees of the refusal.
        var ledger = new TransactionLedger();
        await using var server = new ScriptedMongoServer(c =>
        {
            if (ledger.Refuse(c) is { } refused) return refused;
            if (!IsUpdateOf(c, Documents)) return null;
            var ids = Ids(c).ToList();
            var bad = ids.IndexOf(Key(130));
            if (bad < 0) return null;
            ledger.Abort(c);
            return WriteError(bad, 121, "Document failed validation");
        }, maxWriteBatchSize: 100);
        using var store = Store(server);

        var act = () => store.WriteBatch(Batch(250), TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which;
        error.Key.Should().Be(Key(130));
        error.Message.Should().Contain("Document failed validation").And.Contain("121");
        server.Commands.Should().NotContain(c => IsUpdateOf(c, "_checkpoints"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(388, "TransactionTooLargeForCache", true)]
    [InlineData(388, "TransactionTooLargeForCache", false)]
    [InlineData(290, "TransactionExceededLifetimeLimitSeconds", false)]
    public async Task A_transaction_the_server_finds_too_large_or_too_long_is_split_smaller(int code, string codeName, bool labelled)
    {
        await using var server = new ScriptedMongoServer(c => IsUpdateOf(c, Documents) && ScriptedMongoServer.StatementCount(c) > 30
            ? labelled ? Error(code, codeName, "Transaction exceeded the limit", "TransientTransactionError") : Error(code, codeName, "Transaction exceeded the limit")
            : null);
        using var store = Store(server);

        await store.WriteBatch(Batch(100), TestContext.Current.CancellationToken);

        var committed = TransactionLedger.Transactions(server.Commands)
            .Where(t => t.Any(c => IsUpdateOf(c, Documents) && ScriptedMongoServer.StatementCount(c) <= 30)).ToList();
        committed.SelectMany(t => t.Where(c => IsUpdateOf(c, Documents)).SelectMany(Ids)).Should().Equal(Enumerable.Range(0, 100).Select(Key));
        committed.Last().Should().Contain(c => IsUpdateOf(c, "_checkpoints"));
        committed.SkipLast(1).Should().NotContain(t => t.Any(c => IsUpdateOf(c, "_checkpoints")));
    }

    [Fact(Timeout = 60_000)]
    public async Task One_document_too_large_for_the_transaction_cache_is_refused_naming_it()
    {
        await using var server = new ScriptedMongoServer(c => IsUpdateOf(c, Documents) && Ids(c).Contains(Key(7))
            ? Error(388, "TransactionTooLargeForCache", "Transaction exceeded cache limit", "TransientTransactionError")
            : null);
        using var store = Store(server);

        var act = () => store.WriteBatch(Batch(20), TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Key.Should().Be(Key(7));
        server.Commands.Should().NotContain(c => IsUpdateOf(c, "_checkpoints"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_write_conflict_retries_the_transaction_and_the_flush_completes()
    {
        var conflicts = 0;
        await using var server = new ScriptedMongoServer(c => IsUpdateOf(c, Documents) && Interlocked.Increment(ref conflicts) == 1
            ? Error(112, "WriteConflict", "Caused by :: Write conflict during plan execution and yielding is disabled.", "TransientTransactionError")
            : null);
        using var store = Store(server);

        await store.WriteBatch(Batch(10), TestContext.Current.CancellationToken);

        server.Commands.Count(c => IsUpdateOf(c, Documents)).Should().Be(2);
        server.Commands.Should().Contain(c => IsUpdateOf(c, "_checkpoints"));
    }
}

/// <summary>Issue 13, point 3: a transaction the server is slow to answer is abandoned at <see cref="MongoProjectionStoreOptions.TransactionTimeLimit"/> and its writes go again in smaller transactions.</summary>
public sealed class TransactionTimeLimitTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_transaction_that_outlives_the_time_limit_is_written_again_in_smaller_ones()
    {
        // The server stalls on any update of more than 2 documents, as a primary under cache pressure might.
        using var release = new CancellationTokenSource();
        await using var server = ScriptedMongoServer.Slow(async c =>
        {
            if (IsUpdateOf(c, Documents) && ScriptedMongoServer.StatementCount(c) > 2)
                await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return null;
        });
        using var store = Store(server, configure: o => o with { TransactionTimeLimit = TimeSpan.FromSeconds(2) });

        await store.WriteBatch(Batch(8), TestContext.Current.CancellationToken);
        await release.CancelAsync();

        var answered = TransactionLedger.Transactions(server.Commands).Where(t => t.Any(c => ScriptedMongoServer.NameOf(c) == "commitTransaction")).ToList();
        answered.SelectMany(t => t.Where(c => IsUpdateOf(c, Documents)).SelectMany(Ids)).Should().Equal(Enumerable.Range(0, 8).Select(Key));
        answered.Last().Should().Contain(c => IsUpdateOf(c, "_checkpoints"));
    }
}
