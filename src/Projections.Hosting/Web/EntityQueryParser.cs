using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>
/// Turns the entity browser's query string into an <see cref="EntityQuery"/>: <c>key</c> (substring),
/// <c>after</c> (cursor: the previous page's last key), <c>skip</c>, <c>take</c>, <c>finished</c> (true/false: by the projection's retirement rule) and one equality filter per declared field of the projection. Anything else
/// is refused so a mistyped filter never silently returns everything.
/// </summary>
internal static class EntityQueryParser
{
    private static readonly string[] Reserved = ["key", "after", "skip", "take", "finished"];

    public static bool TryParse(IQueryCollection query, IProjection projection, int maxTake, out EntityQuery result, out string? error)
    {
        result = new EntityQuery();
        if (!PagingParser.TryRead(query, maxTake, out var skip, out var take, out error)) return false;

        var fields = projection.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var equals = new Dictionary<string, string>(StringComparer.Ordinal);
        string? keyContains = null, after = null;
        bool? finished = null;
        foreach (var (name, values) in query)
        {
            if (name is "skip" or "take") continue;
            if (name == "finished")
            {
                if (!PagingParser.TrySingle(values, name, out var text, out error)) return false;
                if (text.Length == 0) continue;
                if (!bool.TryParse(text, out var wanted))
                {
                    error = $"Query parameter 'finished' must be true or false; got '{text}'.";
                    return false;
                }
                finished = wanted;
                continue;
            }
            if (name is not ("key" or "after") && !fields.Contains(name))
            {
                error = $"Unknown filter '{name}' for projection '{projection.Name}'. " +
                        $"Its filters are: {string.Join(", ", projection.Fields.Select(f => f.Name).Concat(Reserved))}.";
                return false;
            }
            if (!PagingParser.TrySingle(values, name, out var value, out error)) return false;
            if (value.Length == 0) continue;
            if (name == "key") keyContains = value;
            else if (name == "after") after = value;
            else equals[name] = value;
        }

        result = new EntityQuery { FieldEquals = equals, KeyContains = keyContains, After = after, Finished = finished, Skip = skip, Take = take };
        return true;
    }
}
