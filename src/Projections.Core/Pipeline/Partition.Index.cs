using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// Keeps the partition's key index (<see cref="PartitionKeyIndex"/>) in step with its aggregates' declared fields and,
/// when the projection has a retirement rule, whether each is finished (one slot after the fields), so the entity
/// list's default "not finished" is answered from the index too.
/// </summary>
internal sealed partial class Partition
{
    private int IndexSlots => _projection.Fields.Count + (_projection.Retirement is null ? 0 : 1);

    /// <summary>After a change: moves the aggregate to the index lists of the field values it has now.</summary>
    private void Reindex(AggregateEntry entry)
    {
        var values = entry.IndexedValues;
        if (values.Length == 0) return;
        var state = entry.Current.State;
        for (var f = 0; f < values.Length; f++)
        {
            var value = ReadSlot(f, state, entry.Key);
            if (string.Equals(value, values[f], StringComparison.Ordinal)) continue;
            Keys.Move(entry.Key, f, values[f], value);
            values[f] = value;
        }
    }

    /// <summary>Whether the retirement rule held when the aggregate was last (re)indexed: the slot after its fields, so the rule runs once per change.</summary>
    private static bool FinishedAsIndexed(AggregateEntry entry) => entry.IndexedValues[^1] == "true";

    private string?[] ReadIndexFields(AggregateEntry entry)
    {
        var slots = IndexSlots;
        if (slots == 0) return [];
        var state = entry.Current.State;
        var values = new string?[slots];
        for (var f = 0; f < values.Length; f++) values[f] = ReadSlot(f, state, entry.Key);
        return values;
    }

    private string? ReadSlot(int slot, object state, string key)
    {
        try { return GenerationPipeline.ReadSlot(_projection, slot, state); }
        catch (Exception ex) when (slot < _projection.Fields.Count)
        {
            var field = _projection.Fields[slot];
            throw new ProjectionFailedException(_pipeline.Name,
                $"Projection '{_pipeline.Name}' stopped: its Index(\"{field.Name}\", ...) read failed on aggregate '{key}': {ex.GetType().Name}: {ex.Message}", ex)
            { Key = key };
        }
    }
}
