using System.Text;
using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class BatchModelsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly DeadLetter Letter = new(
        new GlobalPosition(500, 498), "item-3", 4, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "ItemDetected",
        Encoding.UTF8.GetBytes("""{"station":"S9"}"""), new byte[] { 0xff, 0x00 }, "handler threw: boom", Now);

    private static ProjectionBatch Batch(params StoredDocument[] documents) =>
        new("plant-items", 2, documents, [Letter], new ProjectionCheckpoint(new GlobalPosition(510, 509), Now.AddTicks(5)));

    [Fact]
    public void Each_document_is_one_guarded_upsert_by_key_in_batch_order()
    {
        var a = TestData.Document("item-1", """{"status":"Active"}""", commit: 100, prepare: 99);
        var b = TestData.Document("item-2", """{"status":"Lost"}""", commit: 105, prepare: 105);

        var models = BatchModels.For("projections", Batch(a, b), Now);

        models.Collection.Should().Be("plant-items.g2");
        models.DocumentKeys.Should().Equal("item-1", "item-2");
        models.Documents.Should().HaveCount(2).And.AllBeOfType<UpdateOneModel<BsonDocument>>();
        var first = (UpdateOneModel<BsonDocument>)models.Documents[0];
        first.IsUpsert.Should().BeTrue();
        TestData.RenderFilter(first.Filter).ShouldBeBson(new BsonDocument("_id", "item-1"));
        TestData.RenderUpdate(first.Update).ShouldBeBson(new BsonArray
        {
            VersionGuard.ReplaceStage(DocumentMapping.ToBson(a), new GlobalPosition(100, 99), a.Version),
        });
    }

    [Fact]
    public void Rendered_update_is_the_exact_pipeline_sent_to_the_server()
    {
        var doc = TestData.Document("item-1", """{"status":"Active"}""", version: 2, commit: 100, prepare: 99);

        var update = TestData.RenderUpdate(BatchModels.GuardedUpsert(doc).Update);

        update.ShouldBeBson(BsonSerializerParse("""
            [ { "$replaceWith": { "$cond": {
                "if": { "$or": [
                    { "$eq": [ { "$type": "$_meta.position.commit" }, "missing" ] },
                    { "$lt": [ "$_meta.position.commit", { "$numberLong": "100" } ] },
                    { "$and": [
                        { "$eq": [ "$_meta.position.commit", { "$numberLong": "100" } ] },
                        { "$lt": [ "$_meta.position.prepare", { "$numberLong": "99" } ] } ] },
                    { "$and": [
                        { "$eq": [ "$_meta.position.commit", { "$numberLong": "100" } ] },
                        { "$eq": [ "$_meta.position.prepare", { "$numberLong": "99" } ] },
                        { "$lt": [ "$_meta.version", { "$numberLong": "2" } ] } ] } ] },
                "then": { "$literal": {
                    "_id": "item-1", "status": "Active",
                    "_meta": { "version": { "$numberLong": "2" },
                               "position": { "commit": { "$numberLong": "100" }, "prepare": { "$numberLong": "99" } },
                               "updatedAt": { "$date": "2026-03-01T08:30:15.123Z" },
                               "timeoutAt": null, "timeoutAtTicks": null } } },
                "else": "$$ROOT" } } } ]
            """));
    }

    [Fact]
    public void Dead_letters_are_inserted_once_by_generation_and_position()
    {
        var models = BatchModels.For("projections", Batch(), Now);

        var model = models.DeadLetters.Should().ContainSingle().Which.Should().BeOfType<UpdateOneModel<BsonDocument>>().Subject;
        model.IsUpsert.Should().BeTrue();
        TestData.RenderFilter(model.Filter).ShouldBeBson(new BsonDocument("_id", "plant-items.g2@500/498"));
        TestData.RenderUpdate(model.Update).ShouldBeBson(new BsonDocument("$setOnInsert", new BsonDocument
        {
            { "projection", "plant-items" },
            { "generation", 2 },
            { "position", new BsonDocument { { "commit", 500L }, { "prepare", 498L } } },
            { "streamId", "item-3" },
            { "streamRevision", 4L },
            { "eventId", "0f8fad5b-d9cb-469f-a165-70867728950e" },
            { "eventType", "ItemDetected" },
            { "data", """{"station":"S9"}""" },
            { "metadata", new BsonBinaryData([0xff, 0x00]) },
            { "reason", "handler threw: boom" },
            { "parkedAt", new BsonDateTime(Now.UtcDateTime) },
        }));
    }

    [Fact]
    public void Checkpoint_is_replaced_only_when_the_stored_position_is_not_higher()
    {
        var models = BatchModels.For("projections", Batch(), Now);

        var model = models.CheckpointWrite.Should().BeOfType<UpdateOneModel<BsonDocument>>().Subject;
        model.IsUpsert.Should().BeTrue();
        TestData.RenderFilter(model.Filter).ShouldBeBson(new BsonDocument("_id", "plant-items.g2"));
        var checkpoint = new BsonDocument
        {
            { "_id", "plant-items.g2" },
            { "projection", "plant-items" },
            { "generation", 2 },
            { "shard", 0 },
            { "position", new BsonDocument { { "commit", 510L }, { "prepare", 509L } } },
            { "streamTime", new BsonDateTime(Now.UtcDateTime) },
            { "streamTimeTicks", Now.UtcTicks + 5 },
            { "updatedAt", new BsonDateTime(Now.UtcDateTime) },
        };
        TestData.RenderUpdate(model.Update).ShouldBeBson(new BsonArray
        {
            new BsonDocument("$replaceWith", new BsonDocument("$cond", new BsonDocument
            {
                { "if", BsonDocument.Parse("""
                    { "$or": [
                        { "$eq": [ { "$type": "$position.commit" }, "missing" ] },
                        { "$lt": [ "$position.commit", { "$numberLong": "510" } ] },
                        { "$and": [
                            { "$eq": [ "$position.commit", { "$numberLong": "510" } ] },
                            { "$lt": [ "$position.prepare", { "$numberLong": "509" } ] } ] },
                        { "$and": [
                            { "$eq": [ "$position.commit", { "$numberLong": "510" } ] },
                            { "$eq": [ "$position.prepare", { "$numberLong": "509" } ] } ] } ] }
                    """) },
                { "then", new BsonDocument("$literal", checkpoint) },
                { "else", "$$ROOT" },
            })),
        });
        CheckpointMapping.FromBson(checkpoint).Should().Be(new ProjectionCheckpoint(new GlobalPosition(510, 509), Now.AddTicks(5)));
    }

    [Fact]
    public void Bulk_writes_are_unordered_so_one_refused_document_does_not_hold_back_the_others()
    {
        GuardedBulkWrite.Unordered.IsOrdered.Should().BeFalse();
    }

    [Fact]
    public void A_bad_document_fails_the_batch_before_anything_is_sent_naming_its_key()
    {
        var act = () => BatchModels.For("projections", Batch(TestData.Document("item-1", "{}"), TestData.Document("item-2", "[]")), Now);

        act.Should().Throw<ProjectionStoreWriteException>().Where(e => e.Key == "item-2");
    }

    [Fact]
    public void A_document_above_16_MiB_is_refused_naming_its_key()
    {
        var big = "{\"blob\":\"" + new string('x', BatchModels.MaxDocumentBytes) + "\"}";

        var act = () => BatchModels.GuardedUpsert(TestData.Document("item-big", big));

        act.Should().Throw<ProjectionStoreWriteException>().Where(e => e.Key == "item-big").WithMessage("*'item-big'*16777216*");
    }

    private static BsonArray BsonSerializerParse(string json) =>
        MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonArray>(json);
}
