using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.MongoDb.Tests;

internal static class TestData
{
    public static readonly DateTimeOffset UpdatedAt = new(2026, 3, 1, 8, 30, 15, 123, TimeSpan.Zero);

    public static StoredDocument Document(string key, string json, long version = 3, ulong commit = 120, ulong prepare = 118, DateTimeOffset? timeoutAt = null) =>
        new(key, Encoding.UTF8.GetBytes(json), version, new GlobalPosition(commit, prepare), timeoutAt, UpdatedAt);

    public static BsonDocument RenderFilter(FilterDefinition<BsonDocument> filter) =>
        filter.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry));

    public static BsonValue RenderUpdate(UpdateDefinition<BsonDocument> update) =>
        update.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry));

    public static string Json(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);
}
