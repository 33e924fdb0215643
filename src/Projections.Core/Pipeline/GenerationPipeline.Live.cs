using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>Reads of the live state and statistics, from any thread.</summary>
internal sealed partial class GenerationPipeline
{
    public LiveEntity? GetLive(string key) => PartitionOf(key).TryGet(key)?.ToLive();

    /// <summary>
    /// Walks the partitions' key index (<see cref="PartitionKeyIndex"/>) in key order: the list of the most
    /// selective field filter, else all keys. With nothing else to check, the walk stops at the end of the
    /// page and the total is the list's size; a key substring or a second filter is checked against every
    /// key of the list to count the total (<see cref="EntityQuery.Scans"/>). Each candidate is checked
    /// against all filters on the one snapshot it is answered with, so an item never comes back with a
    /// state that fails the filter, even while the index is a moment behind a change.
    /// </summary>
    public EntityPage Query(EntityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Skip < 0) throw new ArgumentOutOfRangeException(nameof(query), "Skip must not be negative.");
        if (query.Take < 0) throw new ArgumentOutOfRangeException(nameof(query), "Take must not be negative.");
        var filters = query.FieldEquals.Select(f => (Field: FieldIndex(f.Key), f.Value)).ToList();
        if (query.Finished is { } finished)
        {
            // Without a retirement rule nothing is finished: "not finished" is everything, "finished" nothing.
            if (Projection.Retirement is null) { if (finished) return new EntityPage(0, []); }
            else filters.Add((FinishedSlot, finished ? "true" : "false"));
        }
        return Query(query, filters.ToArray());
    }

    private EntityPage Query(EntityQuery query, (int Field, string Value)[] filters)
    {
        var keyPart = string.IsNullOrEmpty(query.KeyContains) ? null : query.KeyContains;
        var (field, value, size) = Narrowest(filters);
        var counting = keyPart is not null || filters.Length > 1;
        var firstRun = counting ? 256 : (query.Skip + query.Take) / Partitions.Length + 8;
        var keys = new MergedKeys(Partitions.Select(p => p.Keys), field, value, counting ? null : query.After, firstRun);

        var items = new List<LiveEntity>(Math.Min(query.Take, 256));
        long total = counting ? 0 : size;
        var skipped = 0;
        while ((counting || items.Count < query.Take) && keys.TryNext(out var key))
        {
            if (!counting && skipped < query.Skip)
            {
                skipped++; // as the total, a skip counts the index list without reading states
                continue;
            }
            if (keyPart is not null && !key.Contains(keyPart, StringComparison.OrdinalIgnoreCase)) continue;
            if (PartitionOf(key).TryGet(key) is not { } entry) continue; // left memory since the index was read
            var persisted = entry.PersistedVersion;
            var snapshot = entry.Current;
            if (!Matches(snapshot.State, filters)) continue; // changed since the index was read
            if (counting)
            {
                total++;
                if (query.After is not null && string.CompareOrdinal(key, query.After) <= 0) continue;
            }
            if (skipped < query.Skip) skipped++;
            else if (items.Count < query.Take) items.Add(entry.ToLive(persisted, snapshot));
        }
        return new EntityPage(total, items);
    }

    /// <summary>The index list the walk follows: the field filter with the fewest keys, else all keys.</summary>
    private (int Field, string? Value, long Size) Narrowest((int Field, string Value)[] filters)
    {
        (int Field, string? Value, long Size) best = (PartitionKeyIndex.AllKeys, null, long.MaxValue);
        if (filters.Length == 0) return best with { Size = Partitions.Sum(p => (long)p.Keys.Count(PartitionKeyIndex.AllKeys, null)) };
        foreach (var (field, value) in filters)
        {
            var size = Partitions.Sum(p => (long)p.Keys.Count(field, value));
            if (size < best.Size) best = (field, value, size);
        }
        return best;
    }

    private bool Matches(object state, (int Field, string Value)[] filters)
    {
        foreach (var (field, value) in filters)
            if (!string.Equals(ReadSlot(Projection, field, state), value, StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }

    /// <summary>The index slot after the declared fields: whether the aggregate is finished by the retirement rule ("true"/"false").</summary>
    private int FinishedSlot => Projection.Fields.Count;

    /// <summary>The value the key index files an aggregate under in <paramref name="slot"/>: a declared field, or "finished" after them.</summary>
    internal static string? ReadSlot(Projections.IProjection projection, int slot, object state) =>
        slot < projection.Fields.Count ? projection.Fields[slot].Read(state)
        : projection.Retirement!.IsFinished(state) ? "true" : "false";

    private int FieldIndex(string name)
    {
        for (var i = 0; i < Projection.Fields.Count; i++)
            if (string.Equals(Projection.Fields[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentException(
            $"Projection '{Name}' has no field '{name}' to filter on; declared fields: {(Projection.Fields.Count == 0 ? "none" : string.Join(", ", Projection.Fields.Select(f => f.Name)))}.");
    }

    public ProjectionStats GetStats()
    {
        var processed = Reader.Processed;
        var head = Head;
        if (processed is { } pr && (head is null || pr > head.Value)) head = pr;
        var lagPositions = head is { } h && processed is { } p && h.Commit > p.Commit ? h.Commit - p.Commit
            : head is { } h2 && processed is null ? h2.Commit : 0;
        var now = Time.GetUtcNow();
        var lagSeconds = Reader.Idle || Reader.LastEventCreated is null ? 0
            : Math.Max(0, (now - Reader.LastEventCreated.Value).TotalSeconds);
        var streamTime = Reader.StreamTime;
        var checkpoint = Checkpoint;
        return new ProjectionStats
        {
            Generation = Generation,
            Checkpoint = checkpoint?.Position,
            Processed = processed,
            Head = head,
            LagPositions = lagPositions,
            LagSeconds = lagSeconds,
            EventsProcessed = Interlocked.Read(ref EventsProcessed),
            EventsPerSecond = EventsPerSecond(),
            Flushes = Flusher.Flushes,
            LastFlushDocuments = Flusher.LastFlushDocuments,
            DocumentsFlushed = Flusher.DocumentsFlushed,
            LastFlushDuration = Flusher.LastFlushDuration,
            LastFlushAt = Flusher.LastFlushAt,
            DirtyAggregates = (int)DirtyCount(),
            LiveAggregates = LiveCount(),
            RetiredAggregates = Interlocked.Read(ref RetiredAggregates),
            EstimatedLiveBytes = Partitions.Sum(p => p.EstimatedBytes),
            TimersInMemory = Partitions.Sum(p => (long)p.TimerCount),
            ParkedEvents = Interlocked.Read(ref ParkedEvents),
            StreamTime = streamTime,
            WallClockLead = streamTime is { } st ? now - st : null,
            StreamTimeAdvance = Reader.WallClockAdvance(now),
            UnflushedEvents = Reader.UnflushedEvents,
            Outage = StoreOutage.Current ?? SourceOutage.Current,
        };
    }

    public RebuildProgress RebuildProgress(GlobalPosition target, DateTimeOffset startedAt)
    {
        var processed = Reader.Processed;
        var rate = PositionsPerSecond();
        TimeSpan? remaining = processed is { } p && p >= target ? TimeSpan.Zero
            : rate > 0 ? TimeSpan.FromSeconds((target.Commit - (processed?.Commit ?? 0)) / rate) : null;
        return new RebuildProgress(Generation, processed, target, startedAt, EventsPerSecond(), remaining);
    }
}
