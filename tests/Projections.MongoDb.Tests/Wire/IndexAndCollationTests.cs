using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Ports;
using Xunit;
using static Projections.MongoDb.Tests.Wire.WireFixtures;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>
/// Issue 13, point 8 and the collation check: what an operator may have left on a generation's
/// collection. On a real server: <c>db.getCollection("plant-items.g1").createIndex({ status: 1 }, { name: "by_status" })</c>
/// (IndexOptionsConflict 85 when the store asks for "status_1"), <c>createIndex({ status: -1 }, { name: "status_1" })</c>
/// (IndexKeySpecsConflict 86), <c>db.createCollection("plant-items.g1", { collation: { locale: "en", strength: 2 } })</c>.
/// </summary>
public sealed class IndexAndCollationTests
{
    private static readonly BsonDocument IdIndex = new() { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } };

    /// <summary>Answers listIndexes with <paramref name="existing"/> and createIndexes the way a server holding them does.</summary>
    private static ScriptedMongoServer ServerWithIndexes(params BsonDocument[] existing) => new(c =>
    {
        var name = ScriptedMongoServer.NameOf(c);
        if (name == "listIndexes" && Collection(c) == Documents)
            return ScriptedMongoServer.Cursor($"projections.{Documents}", [IdIndex, .. existing]);
        if (name != "createIndexes" || Collection(c) != Documents) return null;
        foreach (var requested in c["indexes"].AsBsonArray.Select(i => i.AsBsonDocument))
            foreach (var index in existing)
            {
                if (index["key"].Equals(requested["key"]) && index["name"] != requested["name"])
                    return Error(85, "IndexOptionsConflict", $"Index already exists with a different name: {index["name"]}");
                if (index["name"] == requested["name"] && !index["key"].Equals(requested["key"]))
                    return Error(86, "IndexKeySpecsConflict", $"An existing index has the same name as the requested index. Requested index: {requested}, existing index: {index}");
            }
        return null;
    });

    [Fact(Timeout = 60_000)]
    public async Task An_equivalent_index_under_another_name_is_adopted()
    {
        await using var server = ServerWithIndexes(new BsonDocument { { "v", 2 }, { "key", new BsonDocument("status", 1) }, { "name", "by_status" } });
        using var store = Store(server);

        var generations = await store.EnsureProjection("plant-items", [new IndexDefinition("status"), new IndexDefinition("currentStation")], TestContext.Current.CancellationToken);

        generations.Should().Be(new ProjectionGenerations(1, null));
        var created = server.CommandsNamed("createIndexes").Where(c => Collection(c) == Documents).SelectMany(c => c["indexes"].AsBsonArray).ToList();
        created.Select(i => i["key"]).Should().Equal(new BsonDocument("currentStation", 1));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_dead_letter_index_made_under_another_name_is_used()
    {
        await using var server = new ScriptedMongoServer(c => ScriptedMongoServer.NameOf(c) == "createIndexes" && Collection(c) == "_dead_letters"
            ? Error(85, "IndexOptionsConflict", "Index already exists with a different name: dead_letters_by_position")
            : null);
        using var store = Store(server);

        await store.Initialize(TestContext.Current.CancellationToken);

        server.CommandsNamed("createIndexes").Should().ContainSingle();
    }

    [Fact(Timeout = 60_000)]
    public async Task An_index_with_the_store_name_on_another_key_is_reported_clearly()
    {
        await using var server = ServerWithIndexes(new BsonDocument { { "v", 2 }, { "key", new BsonDocument("status", -1) }, { "name", "status_1" } });
        using var store = Store(server);

        var act = () => store.EnsureProjection("plant-items", [new IndexDefinition("status")], TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("*'plant-items.g1'*'status_1'*{ \"status\" : -1 }*{ \"status\" : 1 }*");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_collection_with_a_non_simple_collation_is_refused()
    {
        await using var server = new ScriptedMongoServer(c => ScriptedMongoServer.NameOf(c) == "listCollections" && c["filter"]["name"] == Documents
            ? ScriptedMongoServer.Cursor("projections.$cmd.listCollections", [new BsonDocument
            {
                { "name", Documents }, { "type", "collection" },
                { "options", new BsonDocument("collation", new BsonDocument { { "locale", "en" }, { "strength", 2 }, { "version", "57.1" } }) },
                { "info", new BsonDocument("readOnly", false) },
            }])
            : null);
        using var store = Store(server);

        var act = () => store.EnsureProjection("plant-items", [], TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*'plant-items.g1'*collation*'en'*simple*");
    }
}
