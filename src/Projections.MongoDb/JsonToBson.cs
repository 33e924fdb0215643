using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;

namespace Projections.MongoDb;

/// <summary>
/// Converts a state serialized as UTF-8 JSON into BSON so its fields can be queried. Numbers become
/// Int32 or Int64 when integral and in range, Double when a double holds the exact written value, and
/// Decimal128 otherwise (e.g. a decimal with 17 significant digits or an integer beyond Int64). Strings
/// stay strings, including ISO 8601 dates: converting them to BSON dates would lose their offset and
/// sub-millisecond digits, and UTC ISO strings still sort and compare chronologically.
/// </summary>
internal static class JsonToBson
{
    /// <summary>
    /// The deepest state (the root object counting as 1) the store writes: the driver's BSON writer stops
    /// at 100 levels, and the guarded update statement puts the state 6 levels deep
    /// (statement, pipeline, stage, $replaceWith, $cond, $literal).
    /// </summary>
    public const int MaxStateDepth = 100 - 6;

    /// <exception cref="FormatException">The JSON is not an object, is malformed, or has a field name MongoDB cannot store.</exception>
    public static BsonDocument ReadObject(ReadOnlySpan<byte> utf8Json, Func<string, string>? topLevelName = null)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxStateDepth + 2 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new FormatException($"The state is not a JSON object (it starts with {DescribeStart(ref reader)}).");
            var document = ReadDocument(ref reader, "", 1, topLevelName);
            if (reader.Read())
                throw new FormatException("The state has text after its closing '}'.");
            return document;
        }
        catch (JsonException e)
        {
            throw new FormatException($"The state is not valid JSON: {e.Message}", e);
        }
    }

    private static BsonDocument ReadDocument(ref Utf8JsonReader reader, string path, int depth, Func<string, string>? rename)
    {
        CheckDepth(path, depth);
        var document = new BsonDocument();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = ReadString(ref reader, path.Length == 0 ? "a top-level field name" : $"a field name in '{path}'");
            var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
            if (name.StartsWith('$'))
                throw new FormatException($"The state field '{fieldPath}' starts with '$', which the MongoDB store does not accept in field names.");
            if (name.Contains('\0'))
                throw new FormatException($"The state field '{fieldPath.Replace("\0", "\\0")}' contains a NUL character, which BSON field names cannot hold.");
            reader.Read();
            document.Set(rename is null ? name : rename(name), ReadValue(ref reader, fieldPath, depth));
        }
        return document;
    }

    private static void CheckDepth(string path, int depth)
    {
        if (depth > MaxStateDepth)
            throw new FormatException($"The state is nested more than {MaxStateDepth} levels deep (at '{path}'), deeper than the MongoDB store can write (MongoDB's 100 levels less the 6 of its update).");
    }

    /// <summary>A string as UTF-16; a lone surrogate escape ("\ud800") has no UTF-8 form and is refused.</summary>
    private static string ReadString(ref Utf8JsonReader reader, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"The state has an invalid string at {what}: a lone UTF-16 surrogate (e.g. \\ud800) that UTF-8 and BSON cannot hold ({e.Message})", e);
        }
    }

    private static BsonValue ReadValue(ref Utf8JsonReader reader, string path, int depth) => reader.TokenType switch
    {
        JsonTokenType.StartObject => ReadDocument(ref reader, path, depth + 1, null),
        JsonTokenType.StartArray => ReadArray(ref reader, path, depth + 1),
        JsonTokenType.String => new BsonString(ReadString(ref reader, $"'{path}'")),
        JsonTokenType.Number => ReadNumber(ref reader),
        JsonTokenType.True => BsonBoolean.True,
        JsonTokenType.False => BsonBoolean.False,
        JsonTokenType.Null => BsonNull.Value,
        var other => throw new FormatException($"Unexpected JSON token {other} at '{path}'."),
    };

    private static BsonArray ReadArray(ref Utf8JsonReader reader, string path, int depth)
    {
        CheckDepth(path, depth);
        var array = new BsonArray();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            array.Add(ReadValue(ref reader, $"{path}[{array.Count}]", depth));
        return array;
    }

    private static BsonValue ReadNumber(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt32(out var int32)) return new BsonInt32(int32);
        if (reader.TryGetInt64(out var int64)) return new BsonInt64(int64);
        var text = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        return Number(text);
    }

    /// <summary>The BSON number for a JSON number that is not an Int32/Int64 literal.</summary>
    public static BsonValue Number(string text)
    {
        var isDouble = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var asDouble) && double.IsFinite(asDouble);
        if (isDouble && DoubleIsExact(text, asDouble)) return new BsonDouble(asDouble);
        if (Decimal128.TryParse(text, out var asDecimal) && !Decimal128.IsInfinity(asDecimal) && !Decimal128.IsNaN(asDecimal))
            return new BsonDecimal128(asDecimal);
        return isDouble ? new BsonDouble(asDouble) : throw new FormatException($"The number {text} does not fit a BSON double or decimal.");
    }

    // A double's shortest round-trip form has at most 17 significant digits, so a number written with
    // more cannot equal it; with 17 or fewer, System.Decimal compares both exactly.
    private static bool DoubleIsExact(string text, double value)
    {
        if (SignificantDigits(text) > 17) return false;
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var written))
            return true; // beyond decimal's range (e.g. 1e300): only a double holds it
        return decimal.TryParse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var stored)
            && stored == written;
    }

    private static int SignificantDigits(string text)
    {
        var exponent = text.IndexOfAny(['e', 'E']);
        var mantissa = (exponent < 0 ? text : text[..exponent]).Replace("-", "").Replace(".", "");
        return mantissa.Trim('0').Length;
    }

    private static string DescribeStart(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.None => "nothing",
        var t => t.ToString(),
    };
}
