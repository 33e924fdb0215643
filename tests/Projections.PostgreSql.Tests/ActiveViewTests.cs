using FluentAssertions;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>The view named after a projection is what users query with plain SQL: it must always show the active generation.</summary>
public sealed class ActiveViewTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_view_named_after_the_projection_shows_the_active_generation_and_follows_activation()
    {
        await using var db = await Create(server, "view");
        var store = await db.OpenStore();
        var projection = $"plant-items-{UniqueNames.Suffix()}";
        var view = $"projections.{PostgresNaming.PreferredBaseName(projection)}";
        await store.EnsureProjection(projection, [new IndexDefinition("status")], Ct);
        await store.WriteBatch(Batch(projection, 1, 1, Document("item-1", """{"status":"Active"}""", 1, 1)), Ct);

        (await db.Query($"SELECT key, state ->> 'status' FROM {view}")).Should().BeEquivalentTo([new object[] { "item-1", "Active" }]);

        await store.BeginGeneration(projection, 2, [new IndexDefinition("status")], Ct);
        await store.WriteBatch(Batch(projection, 2, 1, Document("item-1", """{"status":"Lost"}""", 1, 1)), Ct);
        (await db.Scalar($"SELECT state ->> 'status' FROM {view}")).Should().Be("Active", "a rebuild is invisible until it is activated");

        await store.ActivateGeneration(projection, 2, Ct);
        (await db.Scalar($"SELECT state ->> 'status' FROM {view}")).Should().Be("Lost");

        await store.DropGeneration(projection, 1, Ct);
        (await db.Scalar($"SELECT count(*) FROM {view}")).Should().Be(1L, "dropping the old generation leaves the view on the new one");
    }

    [Fact]
    public async Task The_sharded_switch_moves_the_view_with_it_and_a_switch_that_did_not_happen_leaves_it()
    {
        await using var db = await Create(server, "shardview");
        var store = await db.OpenStore();
        var projection = $"plant-items-{UniqueNames.Suffix()}";
        var view = $"projections.{PostgresNaming.PreferredBaseName(projection)}";
        await store.EnsureProjection(projection, 2, [], Ct);
        await store.WriteBatch(Batch(projection, 1, 1, Document("item-1", """{"status":"Active"}""", 1, 1)), Ct);
        await store.BeginPreview(projection, 2, 3, [], Ct);
        await store.WriteBatch(Batch(projection, 2, 1, Document("item-1", """{"status":"Lost"}""", 1, 1)) with { Shard = 2 }, Ct);

        (await store.ActivateBuiltGeneration(projection, 2, Ct)).Should().BeFalse();
        (await db.Scalar($"SELECT state ->> 'status' FROM {view}")).Should().Be("Active", "a preview is not switched to by the sharded switch");

        await store.BeginGeneration(projection, 2, 3, [], Ct);
        await store.WriteBatch(Batch(projection, 2, 1, Document("item-1", """{"status":"Lost"}""", 1, 1)) with { Shard = 2 }, Ct);
        (await store.ActivateBuiltGeneration(projection, 2, Ct)).Should().BeTrue();
        (await db.Scalar($"SELECT state ->> 'status' FROM {view}")).Should().Be("Lost");
    }

    [Fact]
    public async Task A_view_that_users_built_on_the_projection_survives_activation()
    {
        await using var db = await Create(server, "userview");
        var store = await db.OpenStore();
        var projection = $"stations-{UniqueNames.Suffix()}";
        var view = $"projections.{PostgresNaming.PreferredBaseName(projection)}";
        await store.EnsureProjection(projection, [], Ct);
        await db.Query($"CREATE VIEW public.busy_stations AS SELECT key FROM {view} WHERE (state ->> 'load')::int > 5");

        await store.BeginGeneration(projection, 2, [], Ct);
        await store.WriteBatch(Batch(projection, 2, 3, Document("S1", """{"load":9}""", 1, 3)), Ct);
        await store.ActivateGeneration(projection, 2, Ct);

        (await db.Scalar("SELECT key FROM public.busy_stations")).Should().Be("S1");
    }

    [Fact]
    public async Task The_schema_is_configurable_and_quoted()
    {
        await using var db = await Create(server, "schema");
        var store = await db.OpenStore(schema: "Read Models");
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);
        await store.WriteBatch(Batch(projection, 1, 1, Document("o-1", "{}", 1, 1)), Ct);

        (await db.Scalar($"SELECT key FROM \"Read Models\".{PostgresNaming.PreferredBaseName(projection)}")).Should().Be("o-1");
        (await db.Scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'projections'")).Should().Be(0L);
    }
}
