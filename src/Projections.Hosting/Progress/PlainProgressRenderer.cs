using Projections.Core.Runtime;
using static Projections.Hosting.Progress.ProgressFormat;

namespace Projections.Hosting.Progress;

/// <summary>One line per projection (and one per progress source): for logs, pipes, CI and containers.</summary>
internal static class PlainProgressRenderer
{
    public static IReadOnlyList<string> Render(ProgressSnapshot snapshot)
    {
        var time = Clock(snapshot.At);
        var lines = new List<string>(snapshot.Projections.Count + 1);
        foreach (var p in snapshot.Projections)
        {
            var s = p.Stats;
            var line = $"[{time}] {p.Name}: {p.Status}, gen {s.Generation}, {Rate(s.EventsPerSecond)} ev/s, " +
                       $"checkpoint {Position(s.Checkpoint)} / head {Position(s.Head)}, lag {Lag(s.LagPositions, s.LagSeconds)}, " +
                       $"last flush {Flush(s.LastFlushDocuments, s.LastFlushDuration, s.Flushes)}, " +
                       $"dirty {Count(s.DirtyAggregates)}, live {Count(s.LiveAggregates)}";
            if (s.ParkedEvents > 0) line += $", parked {Count(s.ParkedEvents)}";
            if (p.Rebuild is { } r) line += $", rebuilding gen {r.Generation}: {Position(r.Processed)} / {Position(r.Target)}";
            if (p.Status == ProjectionStatus.Stopped && p.Error is not null) line += $", error: {p.Error}";
            lines.Add(line);
        }
        foreach (var other in snapshot.Others) lines.Add($"[{time}] {other.Label}: {other.Text}");
        return lines;
    }
}
