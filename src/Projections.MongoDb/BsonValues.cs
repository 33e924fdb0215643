using MongoDB.Bson;
using Projections.Core.Events;

namespace Projections.MongoDb;

/// <summary>How positions and times are written, the same way in documents, checkpoints and dead letters.</summary>
internal static class BsonValues
{
    /// <summary>
    /// { commit, prepare } as Int64, so mongosh shows plain numbers and the version guard compares them
    /// numerically. Positions above Int64.MaxValue (never produced by EventStoreDB or SQLite) are refused.
    /// </summary>
    public static BsonDocument Position(GlobalPosition position) => new()
    {
        { "commit", ToInt64(position.Commit) },
        { "prepare", ToInt64(position.Prepare) },
    };

    public static GlobalPosition ReadPosition(BsonValue value)
    {
        var document = value.AsBsonDocument;
        return new GlobalPosition(checked((ulong)document["commit"].ToInt64()), checked((ulong)document["prepare"].ToInt64()));
    }

    public static long ToInt64(ulong value) => value <= long.MaxValue
        ? (long)value
        : throw new OverflowException($"The global position {value} exceeds {long.MaxValue}, the largest the MongoDB store can compare.");

    /// <summary>A BSON date (milliseconds, what queries compare against).</summary>
    public static BsonValue Date(DateTimeOffset? time) => time is { } t ? new BsonDateTime(t.UtcDateTime) : BsonNull.Value;

    public static DateTimeOffset ReadDate(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset? ReadNullableDate(BsonValue? value) => value is null || value.IsBsonNull ? null : ReadDate(value);

    /// <summary>
    /// UTC ticks beside a date the engine relies on (deadlines, stream time): a BSON date keeps only
    /// milliseconds, and re-arming a timer a fraction of a millisecond early would change a rebuild.
    /// </summary>
    public static BsonValue Ticks(DateTimeOffset? time) => time is { } t ? new BsonInt64(t.UtcTicks) : BsonNull.Value;

    /// <summary>Reads the exact time from its ticks field, or from the date field when the ticks are missing.</summary>
    public static DateTimeOffset? ReadExact(BsonDocument document, string dateField, string ticksField)
    {
        if (document.TryGetValue(ticksField, out var ticks) && !ticks.IsBsonNull)
            return new DateTimeOffset(ticks.ToInt64(), TimeSpan.Zero);
        return ReadNullableDate(document.GetValue(dateField, BsonNull.Value));
    }
}
