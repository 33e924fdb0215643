using System.Text;
using FluentAssertions;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>Projection names become safe, readable, unique identifiers within PostgreSQL's 63-byte limit.</summary>
public sealed class NamingTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("plant-items", "plant_items")]
    [InlineData("Plant Items", "plant_items")]
    [InlineData("plant--items!", "plant_items")]
    [InlineData("2024-report", "p_2024_report")]
    [InlineData("select", "select")]
    public void Readable_names_become_lower_case_identifiers(string projection, string expected) =>
        PostgresNaming.PreferredBaseName(projection).Should().Be(expected);

    [Theory]
    [InlineData("a-projection-name-that-goes-on-and-on-and-on-well-beyond-any-limit-postgres-has")]
    [InlineData("ключ-проекции-ключ-проекции-ключ-проекции")]
    [InlineData("__")]
    public void Every_identifier_fits_in_63_bytes_and_never_contains_the_generation_separator(string projection)
    {
        foreach (var baseName in new[] { PostgresNaming.PreferredBaseName(projection), PostgresNaming.HashedBaseName(projection) })
        {
            baseName.Should().NotContain("__");
            var table = PostgresNaming.DocumentTable(baseName, int.MaxValue);
            Encoding.UTF8.GetByteCount(PostgresNaming.IndexName(table, "a.very.deeply.nested.field.name")).Should().BeLessThanOrEqualTo(PostgresNaming.MaxIdentifierBytes);
        }
    }

    [Fact]
    public async Task Colliding_and_reserved_names_get_tables_of_their_own()
    {
        await using var db = await Create(server, "naming");
        var store = await db.OpenStore();
        var stem = UniqueNames.Suffix();
        string[] projections = [$"plant-items-{stem}", $"plant_items_{stem}", "projection_generations", "select", "ключ"];
        for (var i = 0; i < projections.Length; i++)
        {
            await store.EnsureProjection(projections[i], [new IndexDefinition("status")], Ct);
            await store.WriteBatch(Batch(projections[i], 1, (ulong)i + 1, Document("k", $$"""{"owner":{{i}}}""", 1, (ulong)i + 1)), Ct);
        }

        (await db.Scalar($"SELECT state ->> 'owner' FROM projections.plant_items_{stem}")).Should().Be("0", "the first projection gets the readable name");
        (await db.Scalar("SELECT state ->> 'owner' FROM projections.\"select\"")).Should().Be("3");
        var owners = await db.Query($"SELECT projection, base_name FROM projections.projection_generations");
        owners.Select(r => (string)r[1]!).Should().OnlyHaveUniqueItems();
        owners.Single(r => (string)r[0]! == "projection_generations")[1].Should().NotBe("projection_generations");
        for (var i = 0; i < projections.Length; i++)
            (await store.LoadDocument(projections[i], 1, "k", Ct))!.StateJson.ToArray().Should().Equal(Encoding.UTF8.GetBytes($$"""{"owner": {{i}}}"""));
    }

    [Fact]
    public async Task A_projection_keeps_its_name_after_a_restart_even_when_the_order_of_first_use_changes()
    {
        await using var db = await Create(server, "naming_restart");
        var stem = UniqueNames.Suffix();
        var first = await db.OpenStore();
        await first.EnsureProjection($"b-{stem}", [], Ct);
        await first.EnsureProjection($"b_{stem}", [], Ct);
        await first.WriteBatch(Batch($"b_{stem}", 1, 1, Document("k", """{"who":"underscore"}""", 1, 1)), Ct);

        var second = await db.OpenStore();
        await second.EnsureProjection($"b_{stem}", [], Ct);

        (await second.LoadDocument($"b_{stem}", 1, "k", Ct)).Should().NotBeNull();
        (await db.Scalar($"SELECT count(*) FROM projections.b_{stem}")).Should().Be(0L, "b-{0} registered the readable name first", stem);
    }
}
