using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Projections.Core.Pipeline;

/// <summary>
/// The reader's line to one partition. Messages go over in batches: while the source has events ready,
/// a run of them costs one channel write and at most one wake-up of the partition per batch instead of
/// one each (a channel write takes the channel's lock, which the partition's reads contend for). The
/// reader pushes the open batch whenever it would wait (the source has nothing ready, the unflushed
/// window is full), after every barrier and tick broadcast, and when it stops, so batching never delays
/// an event behind a wait. Order is the order of <see cref="Add"/>: one writer, one FIFO channel, one reader.
/// The bound is <see cref="ProjectionEngineOptions.PartitionQueueCapacity"/> messages, rounded down to
/// whole batches. Batch arrays are recycled, so a steady run allocates none.
/// </summary>
internal sealed class PartitionQueue
{
    public const int MaxBatch = 128;
    private readonly Channel<Batch> _channel;
    private readonly ConcurrentQueue<PartitionMessage[]> _free = new();
    private readonly int _batchSize;
    private PartitionMessage[]? _open;
    private int _openCount;

    public PartitionQueue(int capacity)
    {
        _batchSize = Math.Clamp(capacity, 1, MaxBatch);
        _channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Math.Max(1, capacity / _batchSize))
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public readonly record struct Batch(PartitionMessage[] Items, int Count);

    // Writer side: the reader, or after it stopped the flusher injecting barriers; never two at once.

    /// <summary>Adds a message to the open batch; sends the batch when it is full.</summary>
    public ValueTask Add(in PartitionMessage message, CancellationToken ct)
    {
        _open ??= _free.TryDequeue(out var reused) ? reused : new PartitionMessage[_batchSize];
        _open[_openCount++] = message;
        return _openCount == _batchSize ? Push(ct) : ValueTask.CompletedTask;
    }

    /// <summary>Sends the open batch, if any, so the partition sees every message added so far.</summary>
    public ValueTask Push(CancellationToken ct)
    {
        if (_openCount == 0) return ValueTask.CompletedTask;
        var batch = new Batch(_open!, _openCount);
        _open = null;
        _openCount = 0;
        return _channel.Writer.TryWrite(batch) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(batch, ct);
    }

    // Reader side: the partition.

    public ValueTask<bool> WaitToReadAsync(CancellationToken ct) => _channel.Reader.WaitToReadAsync(ct);

    public bool TryRead(out Batch batch) => _channel.Reader.TryRead(out batch);

    /// <summary>The partition is done with a batch: its array goes back for reuse, holding no event.</summary>
    public void Recycle(Batch batch)
    {
        Array.Clear(batch.Items, 0, batch.Count);
        _free.Enqueue(batch.Items);
    }
}
