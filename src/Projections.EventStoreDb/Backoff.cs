namespace Projections.EventStoreDb;

/// <summary>Exponential backoff between reconnect attempts, reset after progress.</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private TimeSpan? _next;

    public TimeSpan Next()
    {
        var delay = _next ?? initial;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, delay.Ticks * 2));
        return delay;
    }

    public void Reset() => _next = null;
}
