using System.Text;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;
using static Projections.PostgreSql.Tests.TestDatabase;

namespace Projections.PostgreSql.Tests;

/// <summary>A state PostgreSQL cannot store stops the flush with the aggregate named, and nothing of the flush is written.</summary>
public sealed class UnstorableDocumentTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("bad-state", """{"note":"nul \u0000 inside"}""")]
    [InlineData("bad\0key", """{"note":"fine"}""")]
    public async Task A_nul_character_is_refused_naming_the_aggregate(string badKey, string badState)
    {
        await using var db = await Create(server, "unstorable");
        var store = await db.OpenStore();
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);

        var write = () => store.WriteBatch(Batch(projection, 1, 9, Document("good", """{"note":"fine"}""", 1, 8), Document(badKey, badState, 1, 9)), Ct);

        var error = (await write.Should().ThrowAsync<ProjectionStoreWriteException>()).Which;
        error.Key.Should().Be(badKey);
        error.Message.Should().Contain(badKey).And.Contain(projection);
        (await store.LoadDocument(projection, 1, "good", Ct)).Should().BeNull("the flush is one transaction");
        (await store.LoadCheckpoint(projection, 1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task An_escaped_backslash_before_u0000_is_ordinary_text()
    {
        await using var db = await Create(server, "backslash");
        var store = await db.OpenStore();
        var projection = $"orders-{UniqueNames.Suffix()}";
        await store.EnsureProjection(projection, [], Ct);

        await store.WriteBatch(Batch(projection, 1, 1, Document("a", """{"path":"C:\\u0000"}""", 1, 1)), Ct);

        Encoding.UTF8.GetString((await store.LoadDocument(projection, 1, "a", Ct))!.StateJson.Span).Should().Contain("""C:\\u0000""");
        (await store.LoadCheckpoint(projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(1));
    }
}
