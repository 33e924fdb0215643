using System.Text.Json;
using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// After PostgreSQL refused a bulk write for a character it cannot store, finds the aggregate at fault:
/// text cannot hold NUL, so a key with '\0' or a state with "\u0000" in a string (which jsonb refuses) cannot be stored.
/// Runs only on that error path, so flushes never pay for the scan.
/// </summary>
internal static class UnstorableDocument
{
    // untranslatable_character (jsonb's "\u0000 cannot be converted to text"), character_not_in_repertoire / invalid byte sequence (NUL in text).
    private static readonly HashSet<string> CharacterStates = ["22P05", "22021"];

    public static (string Key, string Reason)? Find(PostgresException error, IReadOnlyList<StoredDocument> documents)
    {
        if (!CharacterStates.Contains(error.SqlState)) return null;
        foreach (var document in documents)
        {
            if (document.Key.Contains('\0')) return (document.Key, "its key contains a NUL character, which PostgreSQL text cannot hold");
            if (HasNulInString(document.StateJson.Span)) return (document.Key, "its state has a string containing \\u0000, which PostgreSQL jsonb cannot hold");
        }
        return null;
    }

    private static bool HasNulInString(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && reader.GetString()!.Contains('\0'))
                    return true;
        }
        catch (JsonException) { }
        return false;
    }
}
