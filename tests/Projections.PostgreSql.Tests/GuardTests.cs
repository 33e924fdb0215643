using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>The guarded bulk upsert and the conditional checkpoint, in the cases only a bulk statement meets.</summary>
public sealed class GuardTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_key_twice_in_one_batch_keeps_the_newest_and_only_newer_rows_replace_stored_ones()
    {
        await using var db = await Create(server, "guard");
        var store = await db.OpenStore();
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);
        await store.WriteBatch(Batch(projection, 1, 10, Document("kept", """{"v":"stored"}""", 5, 10), Document("replaced", """{"v":"old"}""", 1, 3)), Ct);

        await store.WriteBatch(Batch(projection, 1, 12,
            Document("kept", """{"v":"older"}""", 4, 9),
            Document("replaced", """{"v":"new"}""", 2, 11),
            Document("twice", """{"v":"first"}""", 1, 11),
            Document("twice", """{"v":"second"}""", 2, 12),
            Document("timed-out", """{"v":"late"}""", 7, 12, DateTimeOffset.UnixEpoch.AddTicks(638_000_000_000_000_001))), Ct);

        (await store.LoadDocument(projection, 1, "kept", Ct))!.Version.Should().Be(5);
        (await store.LoadDocument(projection, 1, "replaced", Ct))!.Version.Should().Be(2);
        (await store.LoadDocument(projection, 1, "twice", Ct))!.Version.Should().Be(2);
        (await store.LoadDocument(projection, 1, "timed-out", Ct))!.TimeoutAt.Should().Be(DateTimeOffset.UnixEpoch.AddTicks(638_000_000_000_000_001), "deadlines are kept to the tick");
    }

    [Fact]
    public async Task The_checkpoint_never_moves_backwards()
    {
        await using var db = await Create(server, "checkpoint");
        var store = await db.OpenStore();
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);
        await store.WriteBatch(Batch(projection, 1, 50), Ct);

        await store.WriteBatch(Batch(projection, 1, 30), Ct);

        (await store.LoadCheckpoint(projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(50));
    }
}
