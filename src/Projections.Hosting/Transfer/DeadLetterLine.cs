using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Projections.Core.Ports;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Transfer;

/// <summary>
/// A parked event as the JSON line import reads (<see cref="JsonLineEvent"/>), so it can be fixed and
/// imported again: <c>stream</c>, <c>type</c>, <c>data</c>, <c>metadata</c>, <c>id</c>, and a
/// <c>parked</c> object (position, revision, original id, reason, time) that import ignores.
/// </summary>
internal static class DeadLetterLine
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The line for <paramref name="letter"/>. A payload that is not JSON is written as its text (base64 when it
    /// is not UTF-8), which import refuses until it is fixed into an object. The id is derived from the parked
    /// event's: the original stays in its stream, and import skips an id the stream holds, so the fixed event
    /// needs another id, yet importing the same file twice must still append it once.
    /// </summary>
    public static string Format(DeadLetter letter)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("stream", letter.StreamId);
            writer.WriteString("type", letter.EventType);
            writer.WritePropertyName("data");
            var dataAs = WritePayload(writer, letter.Data);
            if (!letter.Metadata.IsEmpty)
            {
                writer.WritePropertyName("metadata");
                WritePayload(writer, letter.Metadata);
            }
            writer.WriteString("id", ReimportId(letter.EventId));
            writer.WriteStartObject("parked");
            writer.WriteString("position", letter.Position.ToString());
            writer.WriteNumber("streamRevision", letter.StreamRevision);
            writer.WriteString("eventId", letter.EventId);
            writer.WriteString("reason", SecretRedactor.Redact(letter.Reason));
            writer.WriteString("parkedAt", letter.ParkedAt);
            writer.WriteString("dataAs", dataAs);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A stable id of the re-imported event, different from the parked event's.</summary>
    public static Guid ReimportId(Guid parkedEventId)
    {
        Span<byte> input = stackalloc byte[16 + 9];
        "reimport:"u8.CopyTo(input);
        parkedEventId.TryWriteBytes(input[9..]);
        var hash = SHA256.HashData(input);
        hash[7] = (byte)((hash[7] & 0x0F) | 0x80); // version 8 (custom), RFC 9562
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>Writes the payload as JSON when it is, else as text or base64; returns which ("json", "text", "base64").</summary>
    public static string WritePayload(Utf8JsonWriter writer, ReadOnlyMemory<byte> payload)
    {
        if (TryParseJson(payload) is { } document)
        {
            using (document) document.RootElement.WriteTo(writer);
            return "json";
        }
        if (TryText(payload) is { } text)
        {
            writer.WriteStringValue(text);
            return "text";
        }
        writer.WriteStringValue(Convert.ToBase64String(payload.Span));
        return "base64";
    }

    /// <summary>The payload as UTF-8 text, or null when it is not valid UTF-8.</summary>
    public static string? TryText(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return StrictUtf8.GetString(payload.Span);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The payload parsed as JSON, or null when it is not JSON.</summary>
    public static JsonDocument? TryParseJson(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
