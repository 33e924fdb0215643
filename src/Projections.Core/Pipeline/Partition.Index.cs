using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>Keeps the partition's key index (<see cref="PartitionKeyIndex"/>) in step with its aggregates' declared fields.</summary>
internal sealed partial class Partition
{
    /// <summary>After a change: moves the aggregate to the index lists of the field values it has now.</summary>
    private void Reindex(AggregateEntry entry)
    {
        var values = entry.IndexedValues;
        if (values.Length == 0) return;
        var fields = _projection.Fields;
        var state = entry.Current.State;
        for (var f = 0; f < values.Length; f++)
        {
            var value = ReadField(fields[f], state, entry.Key);
            if (string.Equals(value, values[f], StringComparison.Ordinal)) continue;
            Keys.Move(entry.Key, f, values[f], value);
            values[f] = value;
        }
    }

    private string?[] ReadIndexFields(AggregateEntry entry)
    {
        var fields = _projection.Fields;
        if (fields.Count == 0) return [];
        var state = entry.Current.State;
        var values = new string?[fields.Count];
        for (var f = 0; f < values.Length; f++) values[f] = ReadField(fields[f], state, entry.Key);
        return values;
    }

    private string? ReadField(Projections.ProjectionField field, object state, string key)
    {
        try { return field.Read(state); }
        catch (Exception ex)
        {
            throw new ProjectionFailedException(_pipeline.Name,
                $"Projection '{_pipeline.Name}' stopped: its Index(\"{field.Name}\", ...) read failed on aggregate '{key}': {ex.GetType().Name}: {ex.Message}", ex)
            { Key = key };
        }
    }
}
