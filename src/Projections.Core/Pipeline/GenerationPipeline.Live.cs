using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>Reads of the live state and statistics, from any thread.</summary>
internal sealed partial class GenerationPipeline
{
    public LiveEntity? GetLive(string key) => PartitionOf(key).TryGet(key)?.ToLive();

    /// <summary>
    /// Unfiltered pages come straight from the sorted key index (cost: the page). Filtered queries scan
    /// the partitions' tables without hashing and sort only the matches.
    /// </summary>
    public EntityPage Query(EntityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Skip < 0) throw new ArgumentOutOfRangeException(nameof(query), "Skip must not be negative.");
        if (query.Take < 0) throw new ArgumentOutOfRangeException(nameof(query), "Take must not be negative.");
        var filters = query.FieldEquals.Select(f => (Field: FindField(f.Key), f.Value)).ToArray();
        var keyPart = string.IsNullOrEmpty(query.KeyContains) ? null : query.KeyContains;

        var finished = query.Finished;
        if (filters.Length == 0 && keyPart is null && finished is null)
        {
            var keys = Index.SortedKeys();
            var page = new List<LiveEntity>(Math.Min(query.Take, Math.Max(0, keys.Length - query.Skip)));
            for (var i = query.Skip; i < keys.Length && page.Count < query.Take; i++)
                if (PartitionOf(keys[i]).TryGet(keys[i]) is { } entry) page.Add(entry.ToLive());
            return new EntityPage(keys.Length, page);
        }

        // Filter and answer on the same snapshot, so an item never comes back with a state that fails the filter.
        var matches = new List<(AggregateEntry Entry, long Persisted, AggregateSnapshot Snapshot)>();
        foreach (var partition in Partitions)
            foreach (var entry in partition.Entries)
            {
                if (keyPart is not null && !entry.Key.Contains(keyPart, StringComparison.OrdinalIgnoreCase)) continue;
                var persisted = entry.PersistedVersion;
                var snapshot = entry.Current;
                if (filters.Length > 0 && !Matches(snapshot.State, filters)) continue;
                if (finished is { } wanted && IsFinished(snapshot.State) != wanted) continue;
                matches.Add((entry, persisted, snapshot));
            }
        matches.Sort((a, b) => string.CompareOrdinal(a.Entry.Key, b.Entry.Key));
        var items = matches.Skip(query.Skip).Take(query.Take).Select(m => m.Entry.ToLive(m.Persisted, m.Snapshot)).ToList();
        return new EntityPage(matches.Count, items);
    }

    private bool IsFinished(object state) => Projection.Retirement is { } rule && rule.IsFinished(state);

    private static bool Matches(object state, (ProjectionField Field, string Value)[] filters)
    {
        foreach (var (field, value) in filters)
            if (!string.Equals(field.Read(state), value, StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }

    private ProjectionField FindField(string name)
    {
        foreach (var f in Projection.Fields)
            if (string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) return f;
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
