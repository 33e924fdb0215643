using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Events;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class VersionGuardTests
{
    [Fact]
    public void Guard_holds_when_the_stored_position_is_missing_or_lower_by_commit_then_prepare_then_version()
    {
        var guard = VersionGuard.StoredIsOlderThan(new GlobalPosition(1830, 1828), version: 12);

        guard.ShouldBeBson(BsonDocument.Parse("""
            { "$or": [
                { "$eq": [ { "$type": "$_meta.position.commit" }, "missing" ] },
                { "$lt": [ "$_meta.position.commit", { "$numberLong": "1830" } ] },
                { "$and": [
                    { "$eq": [ "$_meta.position.commit", { "$numberLong": "1830" } ] },
                    { "$lt": [ "$_meta.position.prepare", { "$numberLong": "1828" } ] } ] },
                { "$and": [
                    { "$eq": [ "$_meta.position.commit", { "$numberLong": "1830" } ] },
                    { "$eq": [ "$_meta.position.prepare", { "$numberLong": "1828" } ] },
                    { "$lt": [ "$_meta.version", { "$numberLong": "12" } ] } ] } ] }
            """));
    }

    [Fact]
    public void Stage_replaces_with_the_literal_new_document_or_keeps_the_stored_one()
    {
        var replacement = new BsonDocument { { "_id", "item-1" }, { "price", "$5" } };

        var stage = VersionGuard.ReplaceStage(replacement, GlobalPosition.Of(7), version: 3);

        stage.ShouldBeBson(new BsonDocument("$replaceWith", new BsonDocument("$cond", new BsonDocument
        {
            { "if", VersionGuard.StoredIsOlderThan(GlobalPosition.Of(7), version: 3) },
            { "then", new BsonDocument("$literal", replacement) },
            { "else", "$$ROOT" },
        })));
    }
}
