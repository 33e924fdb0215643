using System.Text.Json;

namespace Projections.Core.Ports;

/// <summary>The checks every projection store makes before writing a batch, so each names the same faults the same way.</summary>
public static class ProjectionBatchValidation
{
    /// <summary>Rejects a document that has no key or is not a JSON object before anything is written, naming its key.</summary>
    public static void Validate(ProjectionBatch batch)
    {
        foreach (var document in batch.Documents)
        {
            if (document.Key is null)
                throw new ProjectionStoreWriteException($"Projection '{batch.Projection}' tried to store a document without a key.");
            if (!IsJsonObject(document.StateJson.Span))
                throw new ProjectionStoreWriteException($"Projection '{batch.Projection}' document '{document.Key}' is not a JSON object.", document.Key);
        }
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
