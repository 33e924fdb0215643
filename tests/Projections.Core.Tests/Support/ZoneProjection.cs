using Projections.Core.Projections;

namespace Projections.Core.Tests.Support;

public sealed record Visit(string Item, string Zone, int Seq, DateTimeOffset At);
public sealed record Leave(string Item, int Seq);
public sealed record Zone(string Key, int Visits, int Timeouts, string Trail);

/// <summary>
/// Fan-out with timers: a visit counts for the item and for its zone (the same key when the zone is the
/// item), arms a timeout, and a timeout escalates once more. The trail records the order of everything.
/// </summary>
public sealed class ZoneProjection : Projection<Zone>
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(10);

    public ZoneProjection() : base("zones")
    {
        FromStreams("z-");
        Initially(key => new Zone(key, 0, 0, ""));
        On<Visit>((s, e, ctx) =>
        {
            ctx.ScheduleTimeout(Quiet);
            return s with { Visits = s.Visits + 1, Trail = s.Trail + e.Seq + "," };
        }).KeysBy(e => [e.Item, e.Zone]);
        EventTimeFrom<Visit>(e => e.At);
        On<Leave>((s, e, ctx) =>
        {
            ctx.CancelTimeout();
            return s with { Trail = s.Trail + "L" + e.Seq + "," };
        }).KeyBy(e => e.Item);
        OnTimeout((s, t) =>
        {
            if (s.Timeouts % 2 == 0) t.ScheduleTimeout(t.Deadline + Quiet);
            return s with { Timeouts = s.Timeouts + 1, Trail = s.Trail + "T" + t.Deadline.ToString("HHmm") + "," };
        });
    }
}

/// <summary>A random ZoneProjection workload: fan-out, late events, leaves, and quiet gaps that fire timers.</summary>
internal sealed class ZoneWorkload(Random random, global::Projections.Core.InMemory.InMemoryEventStore events)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
    private DateTimeOffset _t = Harness.T0;
    private int _seq;

    public void Append(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var item = $"item-{random.Next(10)}";
            _t += random.Next(8) switch { 0 => TimeSpan.FromMinutes(15), < 4 => TimeSpan.FromMinutes(random.Next(5)), _ => TimeSpan.Zero };
            var at = random.Next(6) == 0 ? _t - TimeSpan.FromMinutes(random.Next(1, 12)) : _t; // late events
            object payload = random.Next(7) == 0
                ? new Leave(item, ++_seq)
                : new Visit(item, random.Next(3) switch { 0 => "zone-a", 1 => "zone-b", _ => item }, ++_seq, at);
            events.AppendAt($"z-{item}", payload.GetType().Name, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json), at);
        }
    }
}
