using System.Text.Json;

namespace Projections.Hosting.Web;

internal static class Json
{
    public static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    /// <summary>Parses a UTF-8 JSON document (a state serialized by its projection) so it is embedded as JSON, not as a string.</summary>
    public static JsonElement Element(ReadOnlySpan<byte> utf8) => JsonDocument.Parse(utf8.ToArray()).RootElement.Clone();
}
