using System.Diagnostics;
using Projections.Core.Events;
using Projections.Core.Metrics;
using Projections.Core.Ports;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// The flusher task: takes barrier snapshots and writes them, documents first, checkpoint last
/// (design.md invariants 2 and 3). A flush starts as soon as the previous one ended and something is
/// dirty; checkpoint-only progress is written at the latest every MaxFlushInterval ("Batching without waiting").
/// </summary>
internal sealed class Flusher(GenerationPipeline p)
{
    private readonly AsyncSignal _wake = new();
    /// <summary>A write chunk ends at this many bytes of serialized state (or MaxBatchSize documents), so the buffer stays small.</summary>
    internal const int ChunkBytes = 1 << 20;
    private readonly PooledBufferWriter _json = new(ChunkBytes);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastFlushTimestamp;
    private long _flushes;
    private long _documentsFlushed;
    private volatile int _lastFlushDocuments;
    private long _lastFlushDurationTicks;
    private DateTimeOffset? _lastFlushAt;

    public Task Completion => _completion.Task;
    public long Flushes => Interlocked.Read(ref _flushes);
    public int LastFlushDocuments => _lastFlushDocuments;
    public long DocumentsFlushed => Interlocked.Read(ref _documentsFlushed);
    public TimeSpan LastFlushDuration => TimeSpan.FromTicks(Interlocked.Read(ref _lastFlushDurationTicks));
    public DateTimeOffset? LastFlushAt { get { lock (_wake) return _lastFlushAt; } }

    public void Wake() => _wake.Set();

    public async Task Run(CancellationToken ct)
    {
        _lastFlushTimestamp = p.Time.GetTimestamp();
        try
        {
            while (true)
            {
                await WaitForWork(ct).ConfigureAwait(false);
                var final = p.FinalFlushRequested;
                await Flush(ct).ConfigureAwait(false);
                if (final) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (LeaseLostException ex) { p.LoseLease(ex); }
        catch (ProjectionFailedException ex) { p.Fail(ex); }
        catch (Exception ex)
        {
            p.Fail(new ProjectionFailedException(p.Name, $"Projection '{p.Name}' stopped: flushing failed: {ex.GetType().Name}: {ex.Message}", ex));
        }
        finally
        {
            _json.Dispose(); // every write awaited its store call above, so no store still reads the buffer
            _completion.TrySetResult();
        }
    }

    private async Task WaitForWork(CancellationToken ct)
    {
        while (true)
        {
            var wake = _wake.Prepare();
            if (p.FinalFlushRequested) return;
            if (Interlocked.Exchange(ref p.FlushRequested, 0) == 1) return;
            var sinceLast = p.Time.GetElapsedTime(_lastFlushTimestamp);
            // Read once: the reader may move on between two reads, and a second "true" after an overdue
            // interval would make the wait negative (Task.Delay throws and the projection would stop).
            var unwritten = ProgressUnwritten();
            if (unwritten && sinceLast >= p.Options.MaxFlushInterval) return;
            var wait = unwritten ? p.Options.MaxFlushInterval - sinceLast : p.Options.MaxFlushInterval;
            await Task.WhenAny(wake, Task.Delay(wait, p.Time, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The reader has passed positions (skipped or filtered events) that the stored checkpoint does not cover yet.</summary>
    private bool ProgressUnwritten() =>
        p.Reader.Processed is { } processed && (p.Checkpoint is not { } stored || processed > stored.Position);

    private async Task Flush(CancellationToken ct)
    {
        var barrier = await p.Reader.RequestBarrier().WaitAsync(ct).ConfigureAwait(false);
        await barrier.Completed.WaitAsync(ct).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp(); // a performance figure, so the real clock even under a fake TimeProvider

        var snapshots = new List<DirtySnapshot>();
        var parked = new List<DeadLetter>();
        foreach (var handover in barrier.Handovers)
        {
            snapshots.AddRange(handover!.Dirty);
            parked.AddRange(handover.Parked);
        }
        var checkpoint = new ProjectionCheckpoint(barrier.Position ?? GlobalPosition.Start,
            barrier.StreamTime == DateTimeOffset.MinValue ? null : barrier.StreamTime);
        var previous = p.Checkpoint;

        if (snapshots.Count > 0 || parked.Count > 0 || previous != checkpoint)
            await Write(snapshots, parked, checkpoint, previous, ct).ConfigureAwait(false);

        AfterWrite(barrier, snapshots, checkpoint, started);
    }

    private async Task Write(List<DirtySnapshot> snapshots, List<DeadLetter> parked, ProjectionCheckpoint checkpoint, ProjectionCheckpoint? previous, CancellationToken ct)
    {
        // Earlier chunks carry the checkpoint already stored, so only the last one moves it (invariant 3).
        var unchanged = previous ?? new ProjectionCheckpoint(GlobalPosition.Start, null);
        var offset = 0;
        do
        {
            var documents = Serialize(snapshots, offset);
            offset += documents.Length;
            var last = offset >= snapshots.Count;
            var batch = new ProjectionBatch(p.Name, p.Generation, documents, last ? parked : [], last ? checkpoint : unchanged) { Fence = p.Fence, Shard = p.Shard };
            await WriteWithRetry(batch, ct).ConfigureAwait(false);
        } while (offset < snapshots.Count);
    }

    /// <summary>
    /// Serializes the next chunk (from <paramref name="offset"/>, up to MaxBatchSize documents or <see cref="ChunkBytes"/>) into the
    /// flusher's reused buffer; the documents are slices of it, valid until the next chunk (the store port says a store copies what
    /// it keeps). A flush allocates no array per document.
    /// </summary>
    private StoredDocument[] Serialize(List<DirtySnapshot> snapshots, int offset)
    {
        var now = p.Time.GetUtcNow();
        var limit = Math.Min(p.Options.MaxBatchSize, snapshots.Count - offset);
        _json.Reset();
        var ends = new List<int>(Math.Min(limit, 1024));
        while (ends.Count < limit && (ends.Count == 0 || _json.WrittenCount < ChunkBytes))
        {
            var (entry, s) = snapshots[offset + ends.Count];
            try { p.Projection.SerializeState(s.State, _json); }
            catch (Exception ex) { throw ProjectionFailedException.ForWrite(p.Name, p.Generation, entry.Key, ex); }
            ends.Add(_json.WrittenCount);
        }
        var written = _json.WrittenMemory; // taken after the last write: growing the buffer moves it
        var documents = new StoredDocument[ends.Count];
        for (var i = 0; i < documents.Length; i++)
        {
            var (entry, s) = snapshots[offset + i];
            var start = i == 0 ? 0 : ends[i - 1];
            documents[i] = new StoredDocument(entry.Key, written[start..ends[i]], s.Version, s.Position, s.TimeoutAt, now);
            Volatile.Write(ref entry.StoredBytes, ends[i] - start);
        }
        return documents;
    }

    private Task WriteWithRetry(ProjectionBatch batch, CancellationToken ct)
    {
        var what = $"Writing {batch.Documents.Count} aggregates of projection '{p.Name}'";
        return StoreRetry.Run(async c =>
        {
            try { await p.Store.WriteBatch(batch, c).ConfigureAwait(false); }
            catch (ProjectionStoreWriteException ex) { throw ProjectionFailedException.ForWrite(p.Name, p.Generation, ex.Key, ex); }
        }, what, p, ct);
    }

    private void AfterWrite(Barrier barrier, List<DirtySnapshot> snapshots, ProjectionCheckpoint checkpoint, long started)
    {
        var notifier = p.Notifier;
        foreach (var s in snapshots)
            if (s.Entry.MarkPersisted(s.Snapshot.Version) && notifier is { HasSubscribers: true })
                notifier.Publish(s.Entry, EntityChangeKind.Persisted);

        Interlocked.Exchange(ref p.PersistedEvents, barrier.DispatchedEvents);
        Interlocked.Exchange(ref p.PersistedBytes, barrier.DispatchedBytes);
        var duration = Stopwatch.GetElapsedTime(started);
        _lastFlushTimestamp = p.Time.GetTimestamp();
        Interlocked.Increment(ref _flushes);
        _lastFlushDocuments = snapshots.Count;
        Interlocked.Add(ref _documentsFlushed, snapshots.Count);
        Interlocked.Exchange(ref _lastFlushDurationTicks, duration.Ticks);
        lock (_wake) _lastFlushAt = p.Time.GetUtcNow();
        ProjectionMetrics.RecordFlush(p, snapshots.Count, duration);
        p.Reader.Wake();
        p.CheckpointWritten(checkpoint, barrier.CaughtUp);
    }
}
