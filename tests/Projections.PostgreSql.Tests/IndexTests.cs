using FluentAssertions;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>Declared Index(...) fields become expression indexes that plain SQL written with the same expression uses.</summary>
public sealed class IndexTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_declared_field_gets_an_expression_index_that_queries_use()
    {
        await using var db = await Create(server, "index");
        var store = await db.OpenStore();
        var projection = $"plant-items-{UniqueNames.Suffix()}";
        var baseName = PostgresNaming.PreferredBaseName(projection);
        await store.EnsureProjection(projection, [new IndexDefinition("status"), new IndexDefinition("plan.station")], Ct);
        var documents = Enumerable.Range(0, 2000)
            .Select(i => Document($"item-{i:D4}", $$$"""{"status":"{{{(i % 100 == 0 ? "Lost" : "Active")}}}","plan":{"station":"S{{{i % 50}}}"}}""", 1, (ulong)i + 1))
            .ToArray();
        await store.WriteBatch(Batch(projection, 1, 2000, documents), Ct);
        await db.Query($"ANALYZE projections.{baseName}__g1");

        var indexes = await db.Query($"SELECT indexdef FROM pg_indexes WHERE schemaname = 'projections' AND tablename = '{baseName}__g1'");
        indexes.Select(r => (string)r[0]!).Should().Contain(d => d.Contains("(state ->> 'status'::text)"))
            .And.Contain(d => d.Contains("(state #>> '{plan,station}'::text[])"));

        var byStatus = await Plan($"SELECT key FROM projections.{baseName} WHERE {PostgresNaming.FieldExpression("status")} = 'Lost'");
        byStatus.Should().Contain(PostgresNaming.IndexName($"{baseName}__g1", "status"));
        var byStation = await Plan($"SELECT key FROM projections.{baseName} WHERE {PostgresNaming.FieldExpression("plan.station")} = 'S7'");
        byStation.Should().Contain(PostgresNaming.IndexName($"{baseName}__g1", "plan.station"));
        (await db.Scalar($"SELECT count(*) FROM projections.{baseName} WHERE state ->> 'status' = 'Lost'")).Should().Be(20L);

        async Task<string> Plan(string sql) => string.Join("\n", (await db.Query($"EXPLAIN {sql}")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task An_index_declared_later_is_added_to_the_existing_generation()
    {
        await using var db = await Create(server, "index_later");
        var store = await db.OpenStore();
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);

        await store.EnsureProjection(projection, [new IndexDefinition("customer")], Ct);

        (await db.Scalar($"SELECT count(*) FROM pg_indexes WHERE indexname = '{PostgresNaming.IndexName(PostgresNaming.PreferredBaseName(projection) + "__g1", "customer")}'"))
            .Should().Be(1L);
    }
}
