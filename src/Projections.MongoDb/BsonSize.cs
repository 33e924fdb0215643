using System.Text;
using MongoDB.Bson;

namespace Projections.MongoDb;

/// <summary>The encoded size of a BSON document, computed without encoding it (every flush measures every document).</summary>
internal static class BsonSize
{
    public static int Of(BsonDocument document)
    {
        var size = 4 + 1; // length prefix, terminating NUL
        foreach (var element in document) size += 1 + CString(element.Name) + Of(element.Value);
        return size;
    }

    private static int Of(BsonArray array)
    {
        var size = 4 + 1;
        for (var i = 0; i < array.Count; i++) size += 1 + Digits(i) + 1 + Of(array[i]);
        return size;
    }

    private static int Of(BsonValue value) => value.BsonType switch
    {
        BsonType.Document => Of(value.AsBsonDocument),
        BsonType.Array => Of(value.AsBsonArray),
        BsonType.String => 4 + Encoding.UTF8.GetByteCount(value.AsString) + 1,
        BsonType.Int32 => 4,
        BsonType.Int64 or BsonType.Double or BsonType.DateTime or BsonType.Timestamp => 8,
        BsonType.Decimal128 => 16,
        BsonType.Boolean => 1,
        BsonType.Null or BsonType.Undefined or BsonType.MinKey or BsonType.MaxKey => 0,
        BsonType.ObjectId => 12,
        BsonType.Binary when value.AsBsonBinaryData.SubType == BsonBinarySubType.Binary => 4 + 1 + value.AsBsonBinaryData.Bytes.Length,
        _ => new BsonDocument("v", value).ToBson().Length - 8, // types the store never writes itself
    };

    private static int CString(string text) => Encoding.UTF8.GetByteCount(text) + 1;

    private static int Digits(int index) => index < 10 ? 1 : (int)Math.Floor(Math.Log10(index)) + 1;
}
