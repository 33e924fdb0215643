using System.Text.Json.Nodes;
using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class DocumentMappingTests
{
    [Fact]
    public void Key_becomes_id_state_fields_go_top_level_and_metadata_goes_under_meta()
    {
        var timeout = new DateTimeOffset(2026, 3, 1, 8, 40, 15, 123, TimeSpan.Zero).AddTicks(4567);
        var document = TestData.Document("item-42", """{"status":"Active","currentStation":"S3"}""", version: 12, commit: 1830, prepare: 1828, timeoutAt: timeout);

        var bson = DocumentMapping.ToBson(document);

        bson.ShouldBeBson(new BsonDocument
        {
            { "_id", "item-42" },
            { "status", "Active" },
            { "currentStation", "S3" },
            { "_meta", new BsonDocument
                {
                    { "version", 12L },
                    { "position", new BsonDocument { { "commit", 1830L }, { "prepare", 1828L } } },
                    { "updatedAt", new BsonDateTime(new DateTime(2026, 3, 1, 8, 30, 15, 123, DateTimeKind.Utc)) },
                    { "timeoutAt", new BsonDateTime(new DateTime(2026, 3, 1, 8, 40, 15, 123, DateTimeKind.Utc)) },
                    { "timeoutAtTicks", timeout.UtcTicks },
                }
            },
        });
    }

    [Fact]
    public void Without_a_deadline_timeout_fields_are_null()
    {
        var bson = DocumentMapping.ToBson(TestData.Document("item-1", "{}"));

        bson["_meta"]["timeoutAt"].ShouldBeBson(BsonNull.Value);
        bson["_meta"]["timeoutAtTicks"].ShouldBeBson(BsonNull.Value);
    }

    [Fact]
    public void State_fields_named_id_or_meta_are_stored_with_an_extra_underscore_and_read_back_unchanged()
    {
        var json = """{"_id":"state-own-id","_meta":{"x":1},"__double":true,"plain":2,"nested":{"_id":3}}""";
        var document = TestData.Document("item-7", json);

        var bson = DocumentMapping.ToBson(document);
        var back = DocumentMapping.FromBson(bson, "plant-items.g1");

        bson["_id"].ShouldBeBson(new BsonString("item-7"));
        bson["__id"].ShouldBeBson(new BsonString("state-own-id"));
        bson["__meta"].ShouldBeBson(new BsonDocument("x", 1));
        bson["___double"].ShouldBeBson(BsonBoolean.True);
        bson["nested"].ShouldBeBson(new BsonDocument("_id", 3), "only top-level names can collide");
        bson["_meta"]["version"].ShouldBeBson(new BsonInt64(3));
        JsonNode.DeepEquals(JsonNode.Parse(back.StateJson.Span), JsonNode.Parse(json)).Should().BeTrue(TestData.Json(back.StateJson));
    }

    [Fact]
    public void Round_trip_keeps_key_version_position_and_exact_deadline()
    {
        var timeout = new DateTimeOffset(2026, 3, 1, 8, 40, 15, TimeSpan.FromHours(2)).AddTicks(1234567);
        var document = TestData.Document("item-9", """{"status":"Lost","detections":5}""", version: 7, commit: 99, prepare: 97, timeoutAt: timeout);

        var back = DocumentMapping.FromBson(DocumentMapping.ToBson(document), "plant-items.g1");

        back.Key.Should().Be("item-9");
        back.Version.Should().Be(7);
        back.Position.Should().Be(new GlobalPosition(99, 97));
        back.TimeoutAt.Should().Be(timeout);
        back.TimeoutAt!.Value.UtcTicks.Should().Be(timeout.UtcTicks, "timers are re-armed from it and must fire at the same stream time");
        back.UpdatedAt.Should().Be(TestData.UpdatedAt, "updatedAt is a BSON date (milliseconds)");
        TestData.Json(back.StateJson).Should().Be("""{"status":"Lost","detections":5}""");
    }

    [Fact]
    public void A_state_mongo_cannot_hold_is_refused_naming_the_aggregate()
    {
        var act = () => DocumentMapping.ToBson(TestData.Document("item-13", """{"$inc":1}"""));

        act.Should().Throw<ProjectionStoreWriteException>()
            .Where(e => e.Key == "item-13")
            .WithMessage("*aggregate 'item-13'*'$inc'*");
    }

    [Fact]
    public void A_position_beyond_int64_is_refused_naming_the_aggregate()
    {
        var act = () => DocumentMapping.ToBson(TestData.Document("item-14", "{}", commit: ulong.MaxValue, prepare: 1));

        act.Should().Throw<ProjectionStoreWriteException>().Where(e => e.Key == "item-14").WithMessage("*18446744073709551615*");
    }

    [Fact]
    public void A_document_not_written_by_the_store_is_reported_with_its_collection()
    {
        var act = () => DocumentMapping.FromBson(new BsonDocument { { "_id", "item-1" }, { "status", "Active" } }, "plant-items.g1");

        act.Should().Throw<InvalidDataException>().WithMessage("*'item-1'*'plant-items.g1'*_meta*");
    }
}
