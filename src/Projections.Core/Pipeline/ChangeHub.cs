using Microsoft.Extensions.Logging;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>Change subscribers of one projection. Publishing costs one volatile read when nobody listens.</summary>
internal sealed class ChangeHub(ILogger logger)
{
    private readonly object _sync = new();
    private Action<EntityChange>[] _all = [];
    private Dictionary<string, Action<EntityChange>[]> _byKey = new(StringComparer.Ordinal);
    private volatile int _count;

    public bool HasSubscribers => _count > 0;

    public IDisposable Subscribe(string? key, Action<EntityChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_sync)
        {
            if (key is null) _all = [.. _all, onChange];
            else
            {
                var copy = new Dictionary<string, Action<EntityChange>[]>(_byKey, StringComparer.Ordinal);
                copy[key] = copy.TryGetValue(key, out var list) ? [.. list, onChange] : [onChange];
                _byKey = copy;
            }
            _count++;
        }
        return new Subscription(this, key, onChange);
    }

    private void Unsubscribe(string? key, Action<EntityChange> onChange)
    {
        lock (_sync)
        {
            if (key is null)
            {
                if (Array.IndexOf(_all, onChange) < 0) return;
                _all = _all.Where(a => a != onChange).ToArray();
            }
            else
            {
                if (!_byKey.TryGetValue(key, out var list) || Array.IndexOf(list, onChange) < 0) return;
                var copy = new Dictionary<string, Action<EntityChange>[]>(_byKey, StringComparer.Ordinal);
                var rest = list.Where(a => a != onChange).ToArray();
                if (rest.Length == 0) copy.Remove(key); else copy[key] = rest;
                _byKey = copy;
            }
            _count--;
        }
    }

    public void Publish(AggregateEntry entry, EntityChangeKind kind)
    {
        if (_count == 0) return;
        var all = Volatile.Read(ref _all);
        Volatile.Read(ref _byKey).TryGetValue(entry.Key, out var forKey);
        if (all.Length == 0 && forKey is null) return;
        var persisted = entry.PersistedVersion;
        var snapshot = entry.Current;
        var change = new EntityChange(entry.Key, snapshot.Version, persisted, snapshot.Position, kind);
        foreach (var a in all) Invoke(a, change);
        if (forKey is not null) foreach (var a in forKey) Invoke(a, change);
    }

    private void Invoke(Action<EntityChange> action, EntityChange change)
    {
        try { action(change); }
        catch (Exception ex) { logger.LogWarning(ex, "A change subscriber threw for aggregate {Key}", change.Key); }
    }

    private sealed class Subscription(ChangeHub hub, string? key, Action<EntityChange> action) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) hub.Unsubscribe(key, action);
        }
    }
}
