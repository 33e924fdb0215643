using System.Collections.Immutable;

namespace PlantTracking.Items;

/// <summary>Inserting a detection into an item's bounded, time-ordered detection history.</summary>
public static class DetectionHistory
{
    public enum Outcome { Inserted, Duplicate, BeyondHistory }

    /// <summary>
    /// Inserts <paramref name="detection"/> in (time, message id) order. A message id already present is a
    /// duplicate. When the history holds <paramref name="limit"/> entries the oldest is dropped; a
    /// detection older than all entries of a full history is not inserted.
    /// </summary>
    public static Outcome Insert(ImmutableArray<Detection> history, Detection detection, int limit, out ImmutableArray<Detection> updated) =>
        Insert(history, detection, limit, MessageIdIndex.Build(history), out updated, out _);

    /// <summary>The same, checking duplicates with <paramref name="ids"/> (the index of <paramref name="history"/>) and returning the index of the result.</summary>
    internal static Outcome Insert(ImmutableArray<Detection> history, Detection detection, int limit, MessageIdIndex ids,
        out ImmutableArray<Detection> updated, out MessageIdIndex updatedIds)
    {
        updated = history;
        updatedIds = ids;
        if (ids.Contains(detection.MessageId)) return Outcome.Duplicate;

        var index = history.Length;
        while (index > 0 && Compare(history[index - 1], detection) > 0) index--;
        if (history.Length >= limit)
        {
            if (index == 0) return Outcome.BeyondHistory;
            var drop = history.Length + 1 - limit;
            updated = InsertDroppingOldest(history, index, detection, drop);
            updatedIds = ids.Inserted(updated, index, detection.MessageId, drop);
            return Outcome.Inserted;
        }
        updated = history.Insert(index, detection);
        updatedIds = ids.Inserted(updated, index, detection.MessageId, drop: 0);
        return Outcome.Inserted;
    }

    /// <summary>The history with <paramref name="detection"/> inserted at <paramref name="index"/> and its first <paramref name="drop"/> entries removed, in one copy.</summary>
    private static ImmutableArray<Detection> InsertDroppingOldest(ImmutableArray<Detection> history, int index, Detection detection, int drop)
    {
        var kept = ImmutableArray.CreateBuilder<Detection>(history.Length + 1 - drop);
        for (var position = drop; position <= history.Length; position++)
            kept.Add(position < index ? history[position] : position == index ? detection : history[position - 1]);
        return kept.MoveToImmutable();
    }

    private static int Compare(Detection a, Detection b)
    {
        var byTime = a.DetectedAt.CompareTo(b.DetectedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.MessageId, b.MessageId);
    }
}
