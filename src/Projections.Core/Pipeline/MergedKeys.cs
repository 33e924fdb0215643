namespace Projections.Core.Pipeline;

/// <summary>
/// The keys of one index list (all keys, or one field value's) across every partition, in ordinal order,
/// after a cursor. Each partition is read in runs that grow as the walk goes on, so a page costs about the
/// page, and a full walk never copies more than one run per partition at a time.
/// </summary>
internal sealed class MergedKeys
{
    private const int MaxRun = 4096;
    private readonly PriorityQueue<Run, string> _queue = new(StringComparer.Ordinal);

    public MergedKeys(IEnumerable<PartitionKeyIndex> partitions, int field, string? value, string? after, int firstRun)
    {
        foreach (var index in partitions)
        {
            var run = new Run(index, field, value, Math.Clamp(firstRun, 1, MaxRun));
            if (run.Fill(after)) _queue.Enqueue(run, run.Current);
        }
    }

    public bool TryNext(out string key)
    {
        if (!_queue.TryDequeue(out var run, out key!)) return false;
        if (run.Advance()) _queue.Enqueue(run, run.Current);
        return true;
    }

    private sealed class Run(PartitionKeyIndex index, int field, string? value, int size)
    {
        private string[] _buffer = new string[size];
        private int _position, _length;

        public string Current => _buffer[_position];

        public bool Fill(string? after)
        {
            _length = index.CopyAfter(field, value, after, _buffer);
            _position = 0;
            return _length > 0;
        }

        public bool Advance()
        {
            if (++_position < _length) return true;
            if (_length < _buffer.Length) return false; // the list ended at the last copy
            var last = _buffer[_length - 1];
            if (_buffer.Length < MaxRun) _buffer = new string[Math.Min(MaxRun, _buffer.Length * 2)];
            return Fill(last);
        }
    }
}
