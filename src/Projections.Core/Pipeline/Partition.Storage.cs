using Projections.Core.Ports;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>The aggregate table: load-through from the store and LRU eviction (design.md "Working set larger than memory").</summary>
internal sealed partial class Partition
{
    private const int EvictionScanLimit = 32;
    private AggregateEntry? _lruHead, _lruTail;
    private readonly List<AggregateEntry> _flushedSinceRecount = [];

    /// <summary>The aggregate in memory, else loaded from the store unless every persisted aggregate is known to be in memory; null when new.</summary>
    private ValueTask<AggregateEntry?> Find(string key, CancellationToken ct)
    {
        if (_entries.TryGetValue(key, out var entry)) return ValueTask.FromResult<AggregateEntry?>(entry);
        if (AllPersistedInMemory) return ValueTask.FromResult<AggregateEntry?>(null);
        return Load(key, ct);
    }

    private async ValueTask<AggregateEntry?> Load(string key, CancellationToken ct)
    {
        var p = _pipeline;
        var doc = await StoreRetry.Run(c => p.Store.LoadDocument(p.Name, p.Generation, key, c), $"Loading aggregate '{key}'", p, ct)
            .ConfigureAwait(false);
        if (doc is null) return null;
        var entry = FromDocument(doc);
        Insert(entry);
        // An aggregate in memory always has its deadline armed (a store may round it: arm what was stored).
        if (doc.TimeoutAt is { } deadline) _timers.Arm(doc.Key, deadline);
        return entry;
    }

    private AggregateEntry FromDocument(StoredDocument doc)
    {
        object state;
        try { state = _projection.DeserializeState(doc.StateJson); }
        catch (Exception ex)
        {
            throw new ProjectionFailedException(_pipeline.Name,
                $"Projection '{_pipeline.Name}' stopped: the stored state of aggregate '{doc.Key}' (generation {_pipeline.Generation}) cannot be read: {ex.Message}", ex)
            { Key = doc.Key };
        }
        var entry = AggregateEntry.Loaded(doc.Key, state, doc.Version, doc.Position, doc.TimeoutAt, _pipeline.Options.RecentEventsPerAggregate);
        entry.StoredBytes = doc.StateJson.Length;
        return entry;
    }

    private void Insert(AggregateEntry entry)
    {
        if (_entries.TryAdd(entry.Key, entry)) Volatile.Write(ref _count, _count + 1);
        else _entries[entry.Key] = entry;
        Recount(entry);
        entry.IndexedValues = ReadIndexFields(entry);
        Keys.Add(entry.Key, entry.IndexedValues);
        Touch(entry);
    }

    /// <summary>Takes a clean, persisted aggregate out of memory; its document (and deadline) stay in the store.</summary>
    private void Remove(AggregateEntry entry, bool retired)
    {
        if (entry.InLru) Unlink(entry);
        if (_entries.TryRemove(entry.Key, out _)) Volatile.Write(ref _count, _count - 1);
        Volatile.Write(ref _estimatedBytes, _estimatedBytes - entry.CountedBytes);
        entry.CountedBytes = 0;
        entry.RetireAt = null;
        TimerEvicted(entry);
        Keys.Remove(entry.Key, entry.IndexedValues);
        AllPersistedInMemory = false; // an unknown key may be stored: read through
        if (retired) Interlocked.Increment(ref _pipeline.RetiredAggregates);
    }

    /// <summary>Brings the budget total up to date with the entry's size at its last flush.</summary>
    private void Recount(AggregateEntry entry)
    {
        var bytes = MemoryEstimate.EngineOverheadPerAggregate + (long)Volatile.Read(ref entry.StoredBytes);
        if (bytes == entry.CountedBytes) return;
        Volatile.Write(ref _estimatedBytes, _estimatedBytes + bytes - entry.CountedBytes);
        entry.CountedBytes = bytes;
    }

    /// <summary>
    /// At a barrier the previous flush has finished: the aggregates it wrote now know their serialized
    /// size, so count it (and evict if that puts the partition over its budget).
    /// </summary>
    private void RecountFlushed()
    {
        if (_flushedSinceRecount.Count == 0) return;
        foreach (var entry in _flushedSinceRecount)
            if (_entries.TryGetValue(entry.Key, out var held) && ReferenceEquals(held, entry)) Recount(entry);
        _flushedSinceRecount.Clear();
        EvictIfOverLimits();
    }

    /// <summary>Warm start stops loading into a partition that has reached its budget.</summary>
    public bool UnderBudget => _estimatedBytes < _budget || _budget is null;

    // The partition's own count: ConcurrentDictionary.Count takes every lock of the table, and this runs per event.
    private bool OverLimits => (_cap is { } cap && _count > cap) || (_budget is { } budget && _estimatedBytes > budget);

    private void Touch(AggregateEntry entry)
    {
        if (_cap is null && _budget is null) return;
        Recount(entry);
        if (entry.InLru) Unlink(entry);
        entry.LruPrev = _lruTail;
        entry.LruNext = null;
        if (_lruTail is null) _lruHead = entry; else _lruTail.LruNext = entry;
        _lruTail = entry;
        entry.InLru = true;
    }

    private void Unlink(AggregateEntry entry)
    {
        if (entry.LruPrev is null) _lruHead = entry.LruNext; else entry.LruPrev.LruNext = entry.LruNext;
        if (entry.LruNext is null) _lruTail = entry.LruPrev; else entry.LruNext.LruPrev = entry.LruPrev;
        entry.LruPrev = entry.LruNext = null;
        entry.InLru = false;
    }

    /// <summary>
    /// Over the cap or the memory budget, evicts least recently used aggregates that are clean and persisted;
    /// dirty ones get a second chance at the tail.
    /// </summary>
    private void EvictIfOverLimits()
    {
        if (!OverLimits) return;
        var scanned = 0;
        var node = _lruHead;
        while (node is not null && OverLimits && scanned++ < EvictionScanLimit)
        {
            var next = node.LruNext;
            if (IsCleanAndPersisted(node))
            {
                Remove(node, retired: false);
            }
            else if (node != _lruTail)
            {
                Touch(node);
            }
            node = next;
        }
    }
}
