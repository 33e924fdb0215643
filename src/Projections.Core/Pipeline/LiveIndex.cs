namespace Projections.Core.Pipeline;

/// <summary>
/// The keys of all aggregates in memory, in ordinal order, for paging. Partitions add and remove keys
/// (rarely: only new and evicted aggregates); queries take a cached sorted snapshot.
/// </summary>
internal sealed class LiveIndex
{
    private readonly object _sync = new();
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private string[]? _snapshot;

    public void Add(string key)
    {
        lock (_sync) if (_keys.Add(key)) _snapshot = null;
    }

    public void Remove(string key)
    {
        lock (_sync) if (_keys.Remove(key)) _snapshot = null;
    }

    public int Count { get { lock (_sync) return _keys.Count; } }

    public string[] SortedKeys()
    {
        lock (_sync)
        {
            if (_snapshot is null)
            {
                _snapshot = new string[_keys.Count];
                _keys.CopyTo(_snapshot);
            }
            return _snapshot;
        }
    }
}
