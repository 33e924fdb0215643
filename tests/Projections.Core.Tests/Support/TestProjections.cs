using Projections.Core.Projections;

namespace Projections.Core.Tests.Support;

public sealed record Bumped(int Seq, bool Fail = false);

/// <summary>Counts events per stream and remembers their order; a handler that would show double applies.</summary>
public sealed record Counter(string Key, int Count, string Trail);

public sealed class CounterProjection : Projection<Counter>
{
    /// <param name="beforeApply">Runs on the partition before each event is applied (tests hold a partition with it).</param>
    /// <param name="fixedBumps">The "fixed code": bumps marked to fail are applied like any other.</param>
    public CounterProjection(string name = "counter", PoisonEventPolicy policy = PoisonEventPolicy.Stop, Action<string, Bumped>? beforeApply = null, bool fixedBumps = false) : base(name)
    {
        PoisonPolicy = policy;
        FromStreams("c-");
        Initially(key => new Counter(key, 0, ""));
        On<Bumped>((s, e, _) =>
        {
            beforeApply?.Invoke(s.Key, e);
            return e.Fail && !fixedBumps
                ? throw new InvalidOperationException($"bump {e.Seq} is bad")
                : s with { Count = s.Count + 1, Trail = s.Trail + e.Seq + "," };
        });
        Index("count", s => s.Count);
    }
}

public sealed record ItemSeen(string Station, DateTimeOffset At);
public sealed record ItemDone;
public sealed record Item(string Key, string Status, string? Station, int Seen, DateTimeOffset? LastSeen, DateTimeOffset? LostAt);

/// <summary>Items that become Lost ten minutes (of stream time) after they were last seen.</summary>
public sealed class TrackerProjection : Projection<Item>
{
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(10);

    /// <param name="finishedChecked">Called every time the retirement rule is evaluated.</param>
    public TrackerProjection(string name = "tracker", TimeSpan? retireDoneAfter = null, Action? finishedChecked = null) : base(name)
    {
        if (retireDoneAfter is { } after) RetireWhen(s => { finishedChecked?.Invoke(); return s.Status == "Done"; }, after);
        FromStreams("item-");
        Initially(key => new Item(key, "Active", null, 0, null, null));
        On<ItemSeen>((s, e, ctx) =>
        {
            ctx.ScheduleTimeout(LostAfter);
            return s with { Status = "Active", Station = e.Station, Seen = s.Seen + 1, LastSeen = e.At };
        });
        EventTimeFrom<ItemSeen>(e => e.At);
        On<ItemDone>((s, _, ctx) =>
        {
            ctx.CancelTimeout();
            return s with { Status = "Done" };
        });
        OnTimeout((s, t) => s with { Status = "Lost", LostAt = t.Deadline });
        Index("status", s => s.Status);
        Index("station", s => s.Station);
    }
}

public sealed record Station(string Key, int Visits);

/// <summary>Folds every item's events into per-station aggregates (fan-out: the station and a total).</summary>
public sealed class StationProjection : Projection<Station>
{
    public StationProjection() : base("stations")
    {
        FromStreams("item-");
        Initially(key => new Station(key, 0));
        On<ItemSeen>((s, _, _) => s with { Visits = s.Visits + 1 }).KeysBy(e => [e.Station, "all"]);
    }
}
