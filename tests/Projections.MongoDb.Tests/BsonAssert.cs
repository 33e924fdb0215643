using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Bson.IO;

namespace Projections.MongoDb.Tests;

internal static class BsonAssert
{
    private static readonly JsonWriterSettings Canonical = new() { OutputMode = JsonOutputMode.CanonicalExtendedJson };

    /// <summary>Exact comparison including BSON types (Int32 vs Int64) and field order, shown as canonical extended JSON on failure.</summary>
    public static void ShouldBeBson(this BsonValue actual, BsonValue expected, string because = "") =>
        ToJson(actual).Should().Be(ToJson(expected), because);

    private static string ToJson(BsonValue value) => new BsonDocument("value", value).ToJson(Canonical);
}
