using System.Text.Json.Nodes;
using Projections.Hosting.Web;

namespace Projections.Hosting.Preview;

/// <summary>A differing document as one line: "  ~ item-1: status "Active" -> "Lost"; lostSince (none) -> "...".</summary>
internal static class DiffLines
{
    public static string Document(DocumentDiff diff)
    {
        var mark = diff.Change switch { "added" => "+", "removed" => "-", _ => "~" };
        return $"  {mark} {diff.Key}: {string.Join("; ", diff.Fields.Select(Field))}";
    }

    private static string Field(FieldChange change) => $"{(change.Path.Length == 0 ? "(state)" : change.Path)} {Value(change.Old)} -> {Value(change.New)}";

    private static string Value(JsonNode? node) => node is null ? "(none)" : node.ToJsonString();
}
