using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class IndexPlanTests
{
    private static BsonDocument Index(string name, BsonDocument key, BsonDocument? options = null)
    {
        var index = new BsonDocument { { "v", 2 }, { "key", key }, { "name", name } };
        if (options is not null) index.AddRange(options);
        return index;
    }

    private static readonly BsonDocument IdIndex = Index("_id_", new BsonDocument("_id", 1));

    private static IReadOnlyList<BsonValue> Created(IndexPlan plan) =>
        plan.Create.Select(m => (BsonValue)m.Keys.Render(new MongoDB.Driver.RenderArgs<BsonDocument>(
            MongoDB.Bson.Serialization.Serializers.BsonDocumentSerializer.Instance, MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry))).ToList();

    [Fact]
    public void Missing_indexes_are_created_and_existing_ones_left_alone()
    {
        var plan = IndexPlan.For("plant-items.g1", [new IndexDefinition("status"), new IndexDefinition("_x"), new IndexDefinition("status")],
            [IdIndex, Index("status_1", new BsonDocument("status", 1))]);

        Created(plan).Should().Equal(new BsonDocument("__x", 1));
        plan.Adopted.Should().BeEmpty();
    }

    [Fact]
    public void A_plain_index_on_the_same_key_under_another_name_is_adopted_even_if_unique()
    {
        var plan = IndexPlan.For("plant-items.g1", [new IndexDefinition("status")],
            [IdIndex, Index("by_status", new BsonDocument("status", 1), new BsonDocument("unique", true))]);

        plan.Create.Should().BeEmpty();
        plan.Adopted.Should().Equal("by_status");
    }

    [Theory]
    [InlineData("""{ "partialFilterExpression": { "status": { "$exists": true } } }""")]
    [InlineData("""{ "collation": { "locale": "en", "strength": 2 } }""")]
    public void An_index_that_answers_only_some_queries_is_not_adopted(string options)
    {
        var plan = IndexPlan.For("plant-items.g1", [new IndexDefinition("status")],
            [IdIndex, Index("by_status", new BsonDocument("status", 1), BsonDocument.Parse(options))]);

        Created(plan).Should().Equal(new BsonDocument("status", 1));
    }

    [Fact]
    public void The_store_name_on_another_key_is_a_conflict_naming_both_keys()
    {
        var act = () => IndexPlan.For("plant-items.g1", [new IndexDefinition("status")], [IdIndex, Index("status_1", new BsonDocument("status", -1))]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*'plant-items.g1'*'status_1'*{ \"status\" : -1 }*{ \"status\" : 1 }*dropIndex*");
    }

    [Theory]
    [InlineData("""{ "name": "plant-items.g1", "type": "collection", "options": {} }""", null)]
    [InlineData("""{ "name": "plant-items.g1", "type": "collection", "options": { "collation": { "locale": "simple" } } }""", null)]
    [InlineData("""{ "name": "plant-items.g1", "type": "view", "options": { "viewOn": "x", "pipeline": [] } }""", "*is a view*")]
    [InlineData("""{ "name": "plant-items.g1", "type": "collection", "options": { "collation": { "locale": "fr", "strength": 1 } } }""", "*collation*'fr'*")]
    public void Existing_collections_must_compare_ids_byte_for_byte(string entry, string? problem)
    {
        var found = CollectionOptionsCheck.Problem("plant-items.g1", BsonDocument.Parse(entry));

        if (problem is null) found.Should().BeNull();
        else found.Should().Match(problem);
    }
}
