namespace Projections.Core.Pipeline;

/// <summary>
/// The keys of one partition's aggregates in memory: all of them, and by the value of each declared index
/// field (values compare ignoring case, as filters do). Only the partition writes, when an aggregate comes
/// into memory, when a change moves a field to another value, and when it leaves; queries on other threads
/// copy short runs of keys. The lock is this partition's alone, and neither side holds it longer than a
/// block copy, so the event path never waits on another partition or on a whole-set copy.
/// </summary>
internal sealed class PartitionKeyIndex
{
    /// <summary>Names the list of all keys rather than one field's.</summary>
    public const int AllKeys = -1;

    private readonly Lock _sync = new();
    private readonly SortedKeyList _all = new();
    private readonly Dictionary<string, SortedKeyList>[] _byField;

    public PartitionKeyIndex(int fields)
    {
        _byField = new Dictionary<string, SortedKeyList>[fields];
        for (var i = 0; i < fields; i++) _byField[i] = new Dictionary<string, SortedKeyList>(StringComparer.OrdinalIgnoreCase);
    }

    public void Add(string key, string?[] values)
    {
        lock (_sync)
        {
            _all.Add(key);
            for (var f = 0; f < values.Length; f++) AddTo(f, values[f], key);
        }
    }

    public void Remove(string key, string?[] values)
    {
        lock (_sync)
        {
            _all.Remove(key);
            for (var f = 0; f < values.Length; f++) RemoveFrom(f, values[f], key);
        }
    }

    /// <summary>The aggregate's field <paramref name="field"/> changed from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Move(string key, int field, string? from, string? to)
    {
        if (string.Equals(from, to, StringComparison.OrdinalIgnoreCase)) return;
        lock (_sync)
        {
            RemoveFrom(field, from, key);
            AddTo(field, to, key);
        }
    }

    /// <summary>How many keys the field has with the value (or all keys, for <see cref="AllKeys"/>).</summary>
    public int Count(int field, string? value)
    {
        lock (_sync) return List(field, value)?.Count ?? 0;
    }

    /// <summary>Copies the keys after <paramref name="after"/> (from the first when null) with the field's value, in order; returns how many.</summary>
    public int CopyAfter(int field, string? value, string? after, string[] buffer)
    {
        lock (_sync) return List(field, value)?.CopyAfter(after, buffer) ?? 0;
    }

    private SortedKeyList? List(int field, string? value) =>
        field == AllKeys ? _all : value is not null && _byField[field].TryGetValue(value, out var list) ? list : null;

    private void AddTo(int field, string? value, string key)
    {
        if (value is null) return; // a null field matches no filter
        var byValue = _byField[field];
        if (!byValue.TryGetValue(value, out var list)) byValue[value] = list = new SortedKeyList();
        list.Add(key);
    }

    private void RemoveFrom(int field, string? value, string key)
    {
        if (value is null || !_byField[field].TryGetValue(value, out var list)) return;
        list.Remove(key);
        if (list.Count == 0) _byField[field].Remove(value);
    }
}
