using System.Text;
using System.Text.RegularExpressions;

namespace Projections.Sqlite.Documents;

/// <summary>
/// How projections map to SQLite objects. A projection name becomes
/// <c>docs_&lt;name&gt;_&lt;hash&gt;</c>: the name lower-cased with every character other than a-z and
/// 0-9 replaced by '_' (at most 40 characters), then the FNV-1a hash of the exact name as 8 hex digits,
/// so "plant-items" and "plant_items" never share a table. Generation g's documents live in the table
/// <c>docs_plant_items_68391a27_g{g}</c>; the view without the suffix always shows the active generation:
/// <code>SELECT key, state FROM docs_plant_items_68391a27 WHERE json_extract(state, '$.status') = 'Lost';</code>
/// </summary>
public static partial class SqliteNaming
{
    /// <summary>The view over the active generation's documents.</summary>
    public static string ActiveView(string projection)
    {
        if (string.IsNullOrWhiteSpace(projection)) throw new ArgumentException("Projection name is empty.", nameof(projection));
        return $"docs_{Sanitize(projection, 40)}_{Hash(projection)}";
    }

    /// <summary>The table holding one generation's documents.</summary>
    public static string DocumentTable(string projection, int generation)
    {
        if (generation < 1) throw new ArgumentOutOfRangeException(nameof(generation), generation, $"Generation of projection '{projection}' must be 1 or more.");
        return $"{ActiveView(projection)}_g{generation}";
    }

    /// <summary>The expression that reads a declared state field; queries written with it use the field's index.</summary>
    public static string JsonExtract(string field) => $"json_extract(state, '{JsonPath(field)}')";

    /// <summary>SQLite JSON path of a (dot-separated, camelCase) state field, e.g. "plan.station" → "$.plan.station".</summary>
    public static string JsonPath(string field)
    {
        if (string.IsNullOrWhiteSpace(field)) throw new ArgumentException("Index field is empty.", nameof(field));
        var path = new StringBuilder("$");
        foreach (var segment in field.Split('.'))
        {
            if (segment.Length == 0 || segment.Any(c => c is '"' or '\'' or '\\' || char.IsControl(c)))
                throw new ArgumentException($"Index field '{field}' is not a usable path: segments must be non-empty and free of quotes, backslashes and control characters.", nameof(field));
            path.Append(PlainSegment().IsMatch(segment) ? $".{segment}" : $".\"{segment}\"");
        }
        return path.ToString();
    }

    internal static string IndexName(string table, string field) => $"{table}_ix_{Sanitize(field, 30)}_{Hash(field)}";

    private static string Sanitize(string name, int maxLength)
    {
        var chars = name.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_').Take(maxLength);
        return new string(chars.ToArray());
    }

    private static string Hash(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name)) hash = (hash ^ b) * 16777619u;
        return hash.ToString("x8");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainSegment();
}
