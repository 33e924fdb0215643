using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Projections.Hosting.Web;

/// <summary>Reads skip/take from a query string, rejecting anything that is not a number in range.</summary>
internal static class PagingParser
{
    public const int DefaultTake = 50;

    public static bool TryRead(IQueryCollection query, int maxTake, out int skip, out int take, out string? error)
    {
        skip = 0;
        take = DefaultTake;
        return TryReadInt(query, "skip", 0, int.MaxValue, ref skip, out error)
            && TryReadInt(query, "take", 1, maxTake, ref take, out error);
    }

    private static bool TryReadInt(IQueryCollection query, string name, int min, int max, ref int value, out string? error)
    {
        error = null;
        if (!query.TryGetValue(name, out var values)) return true;
        if (!TrySingle(values, name, out var text, out error)) return false;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"Query parameter '{name}' must be a whole number from {min} to {max}; got '{text}'.";
            return false;
        }
        value = parsed;
        return true;
    }

    public static bool TrySingle(StringValues values, string name, out string text, out string? error)
    {
        error = null;
        text = values.Count == 1 ? values[0] ?? "" : "";
        if (values.Count == 1) return true;
        error = $"Query parameter '{name}' must be given once; got it {values.Count} times.";
        return false;
    }
}
