namespace Projections.Core.Resilience;

/// <summary>
/// The one backoff policy of the engine and its adapters: the first delay, then doubling up to a
/// maximum, back to the first delay after <see cref="Reset"/> (progress was made). Not thread-safe:
/// one instance per retry loop.
/// </summary>
public sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan? _next;

    public Backoff(TimeSpan initial, TimeSpan max)
    {
        if (initial < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial), "The first delay must not be negative.");
        if (max < initial) throw new ArgumentOutOfRangeException(nameof(max), "The maximum delay must not be below the first delay.");
        _initial = initial;
        _max = max;
    }

    /// <summary>How many delays were handed out since the last reset.</summary>
    public int Attempts { get; private set; }

    /// <summary>The delay to wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        var delay = _next ?? _initial;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, delay.Ticks * 2));
        Attempts++;
        return delay;
    }

    public void Reset()
    {
        _next = null;
        Attempts = 0;
    }
}
