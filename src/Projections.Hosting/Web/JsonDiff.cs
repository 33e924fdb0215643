using System.Text.Json.Nodes;

namespace Projections.Hosting.Web;

/// <summary>A field an event or timeout changed: its JSON path ("status", "stations.s1.count"), the value before and after (null when absent).</summary>
public sealed record FieldChange(string Path, JsonNode? Old, JsonNode? New);

/// <summary>The fields that differ between two states: objects are compared member by member, arrays and values as a whole.</summary>
internal static class JsonDiff
{
    public static IReadOnlyList<FieldChange> Compare(JsonNode? before, JsonNode? after)
    {
        var changes = new List<FieldChange>();
        Walk("", before, after, changes);
        return changes;
    }

    private static void Walk(string path, JsonNode? before, JsonNode? after, List<FieldChange> changes)
    {
        if (before is JsonObject a && after is JsonObject b)
        {
            foreach (var (name, value) in a) Walk(Join(path, name), value, b.TryGetPropertyValue(name, out var other) ? other : null, changes);
            foreach (var (name, value) in b)
                if (!a.ContainsKey(name)) Walk(Join(path, name), null, value, changes);
            return;
        }
        if (!JsonNode.DeepEquals(before, after)) changes.Add(new(path, before?.DeepClone(), after?.DeepClone()));
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
