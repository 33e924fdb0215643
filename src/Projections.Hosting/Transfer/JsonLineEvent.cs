using System.Text;
using System.Text.Json;
using Projections.Core.Events;

namespace Projections.Hosting.Transfer;

/// <summary>
/// One event as a JSON line: <c>{"stream":..., "type":..., "data":{...}, "metadata":{...}?, "id":...?, "created":...?}</c>.
/// <c>created</c> is written by export and ignored by import (stores record their own time).
/// </summary>
internal static class JsonLineEvent
{
    /// <summary>Parses a line; a malformed one gives the reason instead.</summary>
    public static bool TryParse(string line, out string stream, out EventData? data, out string? error)
    {
        stream = "";
        data = null;
        error = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("expected a JSON object", out error);
            if (!TryString(root, "stream", out stream) || stream.Length == 0) return Fail("\"stream\" must be a non-empty string", out error);
            if (!TryString(root, "type", out var type) || type.Length == 0) return Fail("\"type\" must be a non-empty string", out error);
            if (!root.TryGetProperty("data", out var payload) || payload.ValueKind != JsonValueKind.Object) return Fail("\"data\" must be a JSON object", out error);
            var metadata = ReadOnlyMemory<byte>.Empty;
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
            {
                if (meta.ValueKind != JsonValueKind.Object) return Fail("\"metadata\" must be a JSON object", out error);
                metadata = Encoding.UTF8.GetBytes(meta.GetRawText());
            }
            var id = Guid.NewGuid();
            if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null &&
                (idElement.ValueKind != JsonValueKind.String || !Guid.TryParse(idElement.GetString(), out id)))
                return Fail("\"id\" must be a UUID string", out error);
            data = new EventData(id, type, Encoding.UTF8.GetBytes(payload.GetRawText()), metadata);
            return true;
        }
        catch (JsonException e)
        {
            return Fail("not valid JSON: " + e.Message, out error);
        }
    }

    /// <summary>The line export writes for <paramref name="e"/>.</summary>
    public static string Format(RecordedEvent e)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("stream", e.StreamId);
            writer.WriteString("type", e.EventType);
            writer.WritePropertyName("data");
            WriteJson(writer, e.Data);
            if (!e.Metadata.IsEmpty)
            {
                writer.WritePropertyName("metadata");
                WriteJson(writer, e.Metadata);
            }
            writer.WriteString("id", e.EventId);
            writer.WriteString("created", e.Created);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            // Not JSON (a binary payload written by another client): kept as a string so nothing is lost silently.
            writer.WriteStringValue(Convert.ToBase64String(json.Span));
        }
    }

    private static bool TryString(JsonElement root, string name, out string value)
    {
        value = root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : "";
        return element.ValueKind == JsonValueKind.String;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }
}
