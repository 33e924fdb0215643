using Projections.Core.Events;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// For servers that send no caught-up message (before 23.10): the subscription is caught up once it
/// reaches the head position read when it (re)subscribed. Reports it once per call, and again after
/// <see cref="Rearm"/> (a reconnect).
/// </summary>
internal sealed class CaughtUpTracker
{
    private GlobalPosition? _head;
    private bool _reported;

    /// <summary>The call broke: the next subscription must reach its own head before it is caught up again.</summary>
    public void Rearm()
    {
        _reported = false;
        _head = null;
    }

    public void ExpectHead(GlobalPosition head)
    {
        if (_reported) return;
        _head = head;
    }

    /// <summary>True when, right at the start, there is nothing to catch up on.</summary>
    public bool AlreadyThere(GlobalPosition? last)
    {
        if (_head is not { } head || _reported) return false;
        if (head == GlobalPosition.Start || (last is { } l && l >= head)) return _reported = true;
        return false;
    }

    public bool ReachedBy(GlobalPosition position)
    {
        if (_head is not { } head || _reported) return false;
        return _reported = position >= head;
    }
}
