using Projections.Core.Ports;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>The aggregate table: load-through from the store and LRU eviction (design.md "Working set larger than memory").</summary>
internal sealed partial class Partition
{
    private const int EvictionScanLimit = 32;
    private AggregateEntry? _lruHead, _lruTail;

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
        // Its timer is usually still armed, but a store may round the stored deadline; arm what was stored.
        // A duplicate is harmless: a timer fires only while it equals the aggregate's current deadline.
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
        return AggregateEntry.Loaded(doc.Key, state, doc.Version, doc.Position, doc.TimeoutAt, _pipeline.Options.RecentEventsPerAggregate);
    }

    private void Insert(AggregateEntry entry)
    {
        _entries[entry.Key] = entry;
        _pipeline.Index.Add(entry.Key);
        Touch(entry);
    }

    private void Touch(AggregateEntry entry)
    {
        if (_cap is null) return;
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

    /// <summary>Evicts least recently used aggregates that are clean and persisted; dirty ones get a second chance at the tail.</summary>
    private void EvictIfOverCap()
    {
        if (_cap is not { } cap || _entries.Count <= cap) return;
        var scanned = 0;
        var node = _lruHead;
        while (node is not null && _entries.Count > cap && scanned++ < EvictionScanLimit)
        {
            var next = node.LruNext;
            if (!node.Dirty && node.PersistedVersion == node.Current.Version)
            {
                Unlink(node);
                _entries.TryRemove(node.Key, out _);
                _pipeline.Index.Remove(node.Key);
                AllPersistedInMemory = false;
            }
            else if (node != _lruTail)
            {
                Touch(node);
            }
            node = next;
        }
    }
}
