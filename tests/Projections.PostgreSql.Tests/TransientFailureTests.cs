using FluentAssertions;
using Npgsql;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>A connection lost in the middle of a flush is "retry later" for the engine, and nothing of the flush is half-written.</summary>
public sealed class TransientFailureTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_flush_whose_backend_is_terminated_mid_transaction_is_unavailable_and_leaves_nothing_behind()
    {
        await using var db = await Create(server, "terminate");
        var application = $"flush-{UniqueNames.Suffix()}";
        var store = await db.OpenStore(connectionString: new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = application }.ConnectionString);
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);
        await store.WriteBatch(Batch(projection, 1, 10, Document("a", """{"n":1}""", 1, 10)), Ct);
        var table = $"projections.{PostgresNaming.DocumentTable(PostgresNaming.PreferredBaseName(projection), 1)}";

        // Hold a lock on the document table so the flush's transaction waits inside the server, then kill its backend.
        await using var blocker = new NpgsqlConnection(db.ConnectionString);
        await blocker.OpenAsync(Ct);
        await using var blocking = await blocker.BeginTransactionAsync(Ct);
        await new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", blocker, blocking).ExecuteNonQueryAsync(Ct);
        var flush = store.WriteBatch(Batch(projection, 1, 20, Document("a", """{"n":2}""", 2, 20), Document("b", """{"n":1}""", 1, 15)), Ct);
        await Eventually.Until(async () => (long)(await db.Scalar(
            $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}' AND wait_event_type = 'Lock'"))! == 1,
            TimeSpan.FromSeconds(30), "the flush waiting for the table lock", Ct);
        await db.Query($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{application}' AND wait_event_type = 'Lock'");

        var failure = await flush.Invoking(f => f).Should().ThrowAsync<ProjectionStoreUnavailableException>();
        failure.Which.Message.Should().Contain("orders-");
        await blocking.RollbackAsync(Ct);

        (await store.LoadCheckpoint(projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10), "the failed flush moved nothing");
        (await store.LoadDocument(projection, 1, "b", Ct)).Should().BeNull();
        await store.WriteBatch(Batch(projection, 1, 20, Document("a", """{"n":2}""", 2, 20), Document("b", """{"n":1}""", 1, 15)), Ct);
        (await store.LoadCheckpoint(projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(20), "the retry on a fresh connection succeeds");
    }

    [Theory]
    [InlineData("40001", true)] // serialization failure
    [InlineData("40P01", true)] // deadlock
    [InlineData("57P01", true)] // admin shutdown
    [InlineData("57P03", true)] // cannot connect now
    [InlineData("53300", true)] // too many connections
    [InlineData("08006", true)] // connection failure
    [InlineData("22P05", false)] // untranslatable character
    [InlineData("42501", false)] // insufficient privilege
    [InlineData("28P01", false)] // wrong password stays wrong
    public async Task Server_errors_are_classified_by_sqlstate(string sqlState, bool transient)
    {
        // The server raises a real error with this SQLSTATE, so the classification sees what Npgsql really throws.
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync(Ct);
        var error = await Record.ExceptionAsync(() =>
            new NpgsqlCommand($"DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '{sqlState}'; END $$", connection).ExecuteNonQueryAsync(Ct));

        error.Should().BeOfType<PostgresException>().Which.SqlState.Should().Be(sqlState);
        PostgresFailures.IsTransient(error!).Should().Be(transient);
    }
}
