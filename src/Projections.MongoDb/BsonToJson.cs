using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;

namespace Projections.MongoDb;

/// <summary>
/// Writes a stored document's state fields back as the UTF-8 JSON object the projection serialized.
/// Types this store never writes (a BSON date, ObjectId, binary, ... added by someone else) are
/// written as strings (dates in ISO 8601 UTC, binary in base64) so the result is always valid JSON.
/// </summary>
internal static class BsonToJson
{
    /// <param name="includeField">Maps a stored top-level name to the JSON name, or null to leave the field out.</param>
    public static byte[] WriteObject(BsonDocument document, Func<string, string?> includeField)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var element in document)
            {
                var name = includeField(element.Name);
                if (name is null) continue;
                writer.WritePropertyName(name);
                WriteValue(writer, element.Value);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var element in value.AsBsonDocument)
                {
                    writer.WritePropertyName(element.Name);
                    WriteValue(writer, element.Value);
                }
                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray) WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            case BsonType.String: writer.WriteStringValue(value.AsString); break;
            case BsonType.Int32: writer.WriteNumberValue(value.AsInt32); break;
            case BsonType.Int64: writer.WriteNumberValue(value.AsInt64); break;
            case BsonType.Double: WriteDouble(writer, value.AsDouble); break;
            case BsonType.Decimal128: WriteDecimal(writer, value.AsDecimal128); break;
            case BsonType.Boolean: writer.WriteBooleanValue(value.AsBoolean); break;
            case BsonType.Null:
            case BsonType.Undefined: writer.WriteNullValue(); break;
            case BsonType.DateTime:
                writer.WriteStringValue(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
            case BsonType.Binary: writer.WriteBase64StringValue(value.AsBsonBinaryData.Bytes); break;
            default: writer.WriteStringValue(value.ToString()); break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture)); // JSON has no NaN/Infinity
    }

    private static void WriteDecimal(Utf8JsonWriter writer, Decimal128 value)
    {
        if (Decimal128.IsNaN(value) || Decimal128.IsInfinity(value)) writer.WriteStringValue(value.ToString());
        else writer.WriteRawValue(value.ToString(), skipInputValidation: false);
    }
}
