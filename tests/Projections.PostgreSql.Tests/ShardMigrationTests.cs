using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>A database created by a version before shards is re-keyed in place when a store opens it.</summary>
public sealed class ShardMigrationTests(PostgresServerFixture server)
{
    private const string Projection = "plant-items";
    private static readonly DateTimeOffset StreamTime = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The shared tables as every release before shards created them (PostgresSchema.Create of that time),
    // with a user's projection at generation 2 and its checkpoint.
    private static readonly string BeforeShards = $"""
        CREATE SCHEMA IF NOT EXISTS "projections";
        CREATE TABLE IF NOT EXISTS "projections"."projection_generations" (
            projection text    PRIMARY KEY,
            base_name  text    NOT NULL UNIQUE,
            active     integer NOT NULL,
            building   integer
        );
        ALTER TABLE "projections"."projection_generations" ADD COLUMN IF NOT EXISTS preview boolean NOT NULL DEFAULT false;
        CREATE TABLE IF NOT EXISTS "projections"."projection_checkpoints" (
            projection        text        NOT NULL,
            generation        integer     NOT NULL,
            commit_position   bigint      NOT NULL,
            prepare_position  bigint      NOT NULL,
            stream_time       timestamptz,
            stream_time_ticks bigint,
            updated_at        timestamptz NOT NULL,
            PRIMARY KEY (projection, generation)
        );
        INSERT INTO "projections"."projection_generations" (projection, base_name, active, building) VALUES ('plant-items', 'plant_items', 2, NULL);
        INSERT INTO "projections"."projection_checkpoints" VALUES ('plant-items', 2, 700, 700, '2026-01-31T12:00:00Z', {StreamTime.UtcTicks}, now());
        """;

    [Fact]
    public async Task A_database_from_before_shards_keeps_its_projections_as_one_shard_and_takes_shard_checkpoints()
    {
        await using var db = await Create(server, "before_shards");
        await db.Query(BeforeShards);

        var store = await db.OpenStore();

        (await store.EnsureProjection(Projection, 4, [], Ct)).Should().Be(new ProjectionGenerations(2, null) { ActiveShards = 1 }, "a recorded projection keeps its count");
        (await store.LoadCheckpoint(Projection, 2, Ct)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(700), StreamTime));
        (await store.LoadCheckpoint(Projection, 2, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(700), "the old row is shard 0's");
        await store.WriteBatch(Batch(Projection, 2, 650), Ct);
        (await store.LoadCheckpoint(Projection, 2, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(700), "the re-keyed row still never moves backwards");
        await store.WriteBatch(Batch(Projection, 2, 800, Document("item-1", "{}", 1, 800)), Ct);
        (await store.LoadCheckpoint(Projection, 2, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(800));

        // A second start (another host on the same database) finds it converted and changes nothing.
        var again = await db.OpenStore();
        (await again.LoadCheckpoint(Projection, 2, Ct))!.Position.Should().Be(GlobalPosition.Of(800));
        await again.BeginGeneration(Projection, 3, 2, [], Ct);
        await again.WriteBatch(Batch(Projection, 3, 900) with { Shard = 1 }, Ct);
        await again.WriteBatch(Batch(Projection, 3, 850), Ct);
        (await again.LoadCheckpoint(Projection, 3, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(900));
        (await again.LoadCheckpoint(Projection, 3, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(850));
        (await db.Scalar("""SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = 'projections.projection_checkpoints'::regclass AND c.contype = 'p'"""))
            .Should().Be("generation,projection,shard");
    }

    [Fact]
    public async Task Hosts_starting_together_on_a_database_from_before_shards_convert_it_once()
    {
        await using var db = await Create(server, "before_shards_race");
        await db.Query(BeforeShards);

        var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => db.OpenStore()));

        foreach (var store in stores)
            (await store.LoadCheckpoint(Projection, 2, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(700));
        (await db.Scalar("SELECT count(*) FROM projections.projection_checkpoints")).Should().Be(1L);
    }
}
