using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>
/// The values each declared field has among the live aggregates, so the entity list offers them as choices
/// instead of a free-text box. At most <see cref="MaxValues"/> per field; beyond that <c>complete</c> is false
/// (a field such as a timestamp has too many to choose from).
/// </summary>
internal static class FieldValueEndpoints
{
    public const int MaxValues = 100;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/projections/{name}/field-values", (string name, IProjectionCatalog catalog) =>
        {
            if (catalog.Find(name) is not { } runtime) return ApiErrors.UnknownProjection(catalog, name);
            var fields = runtime.Projection.Fields;
            var seen = fields.ToDictionary(f => f.Name, _ => new SortedSet<string>(StringComparer.Ordinal));
            foreach (var entity in runtime.Query(new EntityQuery { Take = int.MaxValue }).Items)
                foreach (var field in fields)
                    if (field.Read(entity.State) is { Length: > 0 } value && seen[field.Name].Count <= MaxValues) seen[field.Name].Add(value);
            return Results.Ok(seen.ToDictionary(s => s.Key, s => new FieldValues(s.Value.Take(MaxValues).ToArray(), s.Value.Count <= MaxValues)));
        });
}

internal sealed record FieldValues(IReadOnlyList<string> Values, bool Complete);
