using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Events;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class VersionGuardTests
{
    [Fact]
    public void Guard_holds_when_the_stored_position_is_missing_or_lower_by_commit_then_prepare()
    {
        var guard = VersionGuard.StoredPositionIsLowerThan(new GlobalPosition(1830, 1828));

        guard.ShouldBeBson(BsonDocument.Parse("""
            { "$or": [
                { "$eq": [ { "$type": "$_meta.position.commit" }, "missing" ] },
                { "$lt": [ "$_meta.position.commit", { "$numberLong": "1830" } ] },
                { "$and": [
                    { "$eq": [ "$_meta.position.commit", { "$numberLong": "1830" } ] },
                    { "$lt": [ "$_meta.position.prepare", { "$numberLong": "1828" } ] } ] } ] }
            """));
    }

    [Fact]
    public void Stage_replaces_with_the_literal_new_document_or_keeps_the_stored_one()
    {
        var replacement = new BsonDocument { { "_id", "item-1" }, { "price", "$5" } };

        var stage = VersionGuard.ReplaceStage(replacement, GlobalPosition.Of(7));

        stage.ShouldBeBson(new BsonDocument("$replaceWith", new BsonDocument("$cond", new BsonDocument
        {
            { "if", VersionGuard.StoredPositionIsLowerThan(GlobalPosition.Of(7)) },
            { "then", new BsonDocument("$literal", replacement) },
            { "else", "$$ROOT" },
        })));
    }
}
