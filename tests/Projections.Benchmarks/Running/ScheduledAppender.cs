using System.Diagnostics;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Running;

/// <summary>
/// An open-loop appender: event i is due at start + i / rate, and every tick sends the events that
/// became due in one <c>AppendMany</c> without waiting for the calls before it (up to
/// <see cref="MaxCallsInFlight"/>; past that the sends slip). Latency is then taken from each event's
/// scheduled time, so a slow call or a slipped send is counted, not hidden (no coordinated omission).
/// Calls start in schedule order, one request per event so each gets its own position back.
/// </summary>
public sealed class ScheduledAppender(IEventStore target, int rate)
{
    public const int MaxCallsInFlight = 256;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    /// <param name="Scheduled">Stopwatch timestamp at which each event was due.</param>
    /// <param name="Acknowledged">Stopwatch timestamp at which its append call returned.</param>
    /// <param name="Positions">Each event's position in the store.</param>
    /// <param name="MaxSlip">Longest time an event waited past its due time before its call started.</param>
    public sealed record Log(long[] Scheduled, long[] Acknowledged, GlobalPosition[] Positions, double AchievedRate, TimeSpan MaxSlip, int MaxCallsSeen);

    public async Task<Log> Append(IReadOnlyList<RecordedEvent> events, string streamSuffix, CancellationToken ct)
    {
        var count = events.Count;
        var scheduled = new long[count];
        var acknowledged = new long[count];
        var positions = new GlobalPosition[count];
        using var slots = new SemaphoreSlim(MaxCallsInFlight, MaxCallsInFlight);
        var calls = new List<Task>();
        var inFlight = 0;
        var maxInFlight = 0;
        var maxSlip = TimeSpan.Zero;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++) scheduled[i] = start + (long)(i * (double)Stopwatch.Frequency / rate);

        var sent = 0;
        while (sent < count)
        {
            var now = Stopwatch.GetTimestamp();
            var due = sent;
            while (due < count && scheduled[due] <= now) due++;
            if (due > sent)
            {
                await slots.WaitAsync(ct);
                var slip = Stopwatch.GetElapsedTime(scheduled[sent]);
                if (slip > maxSlip) maxSlip = slip;
                var first = sent;
                var requests = new List<AppendRequest>(due - first);
                for (var i = first; i < due; i++)
                    requests.Add(new AppendRequest(events[i].StreamId + streamSuffix, ExpectedRevision.Any, [StoreLoader.ToEventData(events[i])]));
                maxInFlight = Math.Max(maxInFlight, Interlocked.Increment(ref inFlight));
                calls.Add(Send(requests, first));
                sent = due;
            }
            else await Task.Delay(Tick, ct);
        }
        await Task.WhenAll(calls);
        var achieved = count / Stopwatch.GetElapsedTime(start, acknowledged.Max()).TotalSeconds;
        return new Log(scheduled, acknowledged, positions, achieved, maxSlip, maxInFlight);

        async Task Send(List<AppendRequest> requests, int first)
        {
            try
            {
                var results = await target.AppendMany(requests, ct);
                var at = Stopwatch.GetTimestamp();
                for (var k = 0; k < results.Count; k++)
                {
                    positions[first + k] = results[k].Position;
                    acknowledged[first + k] = at;
                }
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
                slots.Release();
            }
        }
    }
}
