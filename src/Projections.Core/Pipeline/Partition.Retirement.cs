namespace Projections.Core.Pipeline;

/// <summary>
/// Finished aggregates leave memory (the projection's <see cref="Projections.RetirementRule"/>): once
/// finished for the rule's delay of stream time, and persisted. Stream time only moves forward and the
/// delay is the same for every aggregate, so candidates queue in retirement order.
/// </summary>
internal sealed partial class Partition
{
    private readonly Queue<(AggregateEntry Entry, DateTimeOffset At)> _retiring = new();
    private readonly List<AggregateEntry> _retireOncePersisted = [];
    private long _flushesSeenByRetirement = -1;

    /// <summary>After an aggregate changed: starts (or cancels) its retirement countdown.</summary>
    private void ConsiderRetirement(AggregateEntry entry, DateTimeOffset streamTime)
    {
        if (_projection.Retirement is not { } rule) return;
        if (!FinishedAsIndexed(entry))
        {
            entry.RetireAt = null;
            return;
        }
        if (entry.RetireAt is not null) return; // counting since it finished
        // No stream time yet: at once. A delay past the calendar's end: never (the queue stays in order, as every later one overflows too).
        var at = streamTime == DateTimeOffset.MinValue ? streamTime
            : DateTimeOffset.MaxValue - streamTime < rule.After ? DateTimeOffset.MaxValue
            : streamTime + rule.After;
        entry.RetireAt = at;
        _retiring.Enqueue((entry, at));
    }

    /// <summary>Retires the aggregates whose countdown ended by <paramref name="streamTime"/>; unpersisted ones wait for a flush.</summary>
    private void RetireDue(DateTimeOffset streamTime)
    {
        while (_retiring.TryPeek(out var candidate) && candidate.At <= streamTime)
        {
            _retiring.Dequeue();
            if (candidate.Entry.RetireAt != candidate.At || !Holds(candidate.Entry)) continue; // active again, or gone
            if (IsCleanAndPersisted(candidate.Entry)) Remove(candidate.Entry, retired: true);
            else _retireOncePersisted.Add(candidate.Entry);
        }
    }

    /// <summary>
    /// Retires the candidates a flush persisted. Only a completed flush makes a candidate persisted (the flusher
    /// marks versions persisted before it counts the flush), so the list is scanned once per flush, not per event.
    /// </summary>
    private void RetirePersisted()
    {
        if (_retireOncePersisted.Count == 0) return;
        var flushes = _pipeline.Flusher.Flushes;
        if (flushes == _flushesSeenByRetirement) return;
        _flushesSeenByRetirement = flushes;
        _retireOncePersisted.RemoveAll(entry =>
        {
            if (entry.RetireAt is null || !Holds(entry)) return true;
            if (!IsCleanAndPersisted(entry)) return false;
            Remove(entry, retired: true);
            return true;
        });
    }

    private bool Holds(AggregateEntry entry) => _entries.TryGetValue(entry.Key, out var held) && ReferenceEquals(held, entry);

    private static bool IsCleanAndPersisted(AggregateEntry entry) => !entry.Dirty && entry.PersistedVersion == entry.Current.Version;
}
