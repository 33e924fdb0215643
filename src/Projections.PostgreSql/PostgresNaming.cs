using System.Text;
using Projections.Core.Pipeline;

namespace Projections.PostgreSql;

/// <summary>
/// How projections map to PostgreSQL identifiers. A projection's base name is its name lower-cased with
/// every run of characters other than a-z and 0-9 replaced by one '_' ("plant-items" → <c>plant_items</c>);
/// names longer than 36 bytes keep 27 and add the FNV-1a hash of the exact name. The base name is the view
/// over the active generation; generation g's table is <c>plant_items__g1</c> (a base name never contains
/// "__", so no projection's view can be another's table). When two projections would share a base name
/// (or it names a table that already exists), the later one gets the hashed form <c>plant_items_68391a27</c>;
/// the store records every base name it handed out, so a projection keeps its name for good.
/// </summary>
public static class PostgresNaming
{
    /// <summary>PostgreSQL truncates identifiers beyond 63 bytes (NAMEDATALEN - 1).</summary>
    public const int MaxIdentifierBytes = 63;
    private const int MaxBaseLength = 36, TruncatedLength = 27;

    /// <summary>The readable base name a projection gets when nothing else uses it.</summary>
    public static string PreferredBaseName(string projection)
    {
        var sanitized = Sanitize(projection);
        return sanitized.Length <= MaxBaseLength ? sanitized : HashedBaseName(projection);
    }

    /// <summary>The base name a projection gets when its preferred one is taken: unique by the hash of its exact name.</summary>
    public static string HashedBaseName(string projection)
    {
        var sanitized = Sanitize(projection);
        return $"{sanitized[..Math.Min(TruncatedLength, sanitized.Length)].TrimEnd('_')}_{Hash(projection)}";
    }

    public static string DocumentTable(string baseName, int generation)
    {
        if (generation < 1) throw new ArgumentOutOfRangeException(nameof(generation), generation, "Generations are numbered from 1.");
        return $"{baseName}__g{generation}";
    }

    public static string IndexName(string table, string field) => $"{table}__ix_{Hash(field)}";

    /// <summary>A double-quoted identifier (safe for any name, reserved words included).</summary>
    public static string Quote(string identifier)
    {
        if (Encoding.UTF8.GetByteCount(identifier) > MaxIdentifierBytes)
            throw new ArgumentException($"PostgreSQL identifier '{identifier}' is longer than {MaxIdentifierBytes} bytes.", nameof(identifier));
        return $"\"{identifier.Replace("\"", "\"\"")}\"";
    }

    public static string Qualified(string schema, string name) => $"{Quote(schema)}.{Quote(name)}";

    /// <summary>
    /// The SQL expression that reads a declared state field as text; a query written with exactly this
    /// expression uses the field's index: <c>state -&gt;&gt; 'status'</c>, or <c>state #&gt;&gt; '{plan,station}'</c> for a nested path.
    /// </summary>
    public static string FieldExpression(string field)
    {
        if (string.IsNullOrWhiteSpace(field)) throw new ArgumentException("Index field is empty.", nameof(field));
        var segments = field.Split('.');
        foreach (var segment in segments)
            if (segment.Length == 0 || segment.Any(c => c is '"' or '\'' or '\\' or ',' or '{' or '}' || char.IsControl(c) || char.IsWhiteSpace(c)))
                throw new ArgumentException($"Index field '{field}' is not a usable path: segments must be non-empty and free of quotes, backslashes, commas, braces, spaces and control characters.", nameof(field));
        return segments.Length == 1 ? $"state ->> '{field}'" : $"state #>> '{{{string.Join(',', segments)}}}'";
    }

    private static string Sanitize(string projection)
    {
        if (string.IsNullOrWhiteSpace(projection)) throw new ArgumentException("Projection name is empty.", nameof(projection));
        var result = new StringBuilder(projection.Length);
        foreach (var c in projection.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') result.Append(c);
            else if (result.Length > 0 && result[^1] != '_') result.Append('_');
        }
        var name = result.ToString().TrimEnd('_');
        // An identifier must not start with a digit; a name with no usable character gets a neutral stem.
        return name.Length == 0 ? "projection" : char.IsAsciiDigit(name[0]) ? $"p_{name}" : name;
    }

    private static string Hash(string text) => KeyHash.Fnv1a(text).ToString("x8");
}
