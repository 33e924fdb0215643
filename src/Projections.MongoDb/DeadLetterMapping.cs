using System.Text;
using MongoDB.Bson;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// A parked event in the "_dead_letters" collection. Payloads are stored as strings when they are
/// valid UTF-8 (readable in mongosh) and as binary otherwise, so the exact bytes always come back.
/// </summary>
internal static class DeadLetterMapping
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every field except _id: written with $setOnInsert, so parking the same event twice keeps the first.</summary>
    public static BsonDocument Fields(string projection, int generation, DeadLetter letter) => new()
    {
        { "projection", projection },
        { "generation", generation },
        { "position", BsonValues.Position(letter.Position) },
        { "streamId", letter.StreamId },
        { "streamRevision", BsonValues.ToInt64(letter.StreamRevision) },
        { "eventId", letter.EventId.ToString("D") },
        { "eventType", letter.EventType },
        { "data", Payload(letter.Data) },
        { "metadata", Payload(letter.Metadata) },
        { "reason", letter.Reason },
        { "parkedAt", BsonValues.Date(letter.ParkedAt) },
    };

    public static DeadLetter FromBson(BsonDocument document) => new(
        BsonValues.ReadPosition(document["position"]),
        document["streamId"].AsString,
        checked((ulong)document["streamRevision"].ToInt64()),
        Guid.Parse(document["eventId"].AsString),
        document["eventType"].AsString,
        ReadPayload(document["data"]),
        ReadPayload(document["metadata"]),
        document["reason"].AsString,
        BsonValues.ReadDate(document["parkedAt"]));

    public static BsonValue Payload(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return new BsonString(StrictUtf8.GetString(bytes.Span));
        }
        catch (DecoderFallbackException)
        {
            return new BsonBinaryData(bytes.ToArray());
        }
    }

    public static byte[] ReadPayload(BsonValue value) =>
        value.IsString ? Encoding.UTF8.GetBytes(value.AsString) : value.AsBsonBinaryData.Bytes;
}
