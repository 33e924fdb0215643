using Projections.Core.Events;
using Projections.Core.Runtime;
using Projections.Hosting.Progress;

namespace Projections.Hosting.Tests.Progress;

internal static class SampleProgress
{
    public static readonly DateTimeOffset At = new(2026, 11, 26, 14, 3, 9, TimeSpan.Zero);

    public static ProjectionStats Stats(int generation = 1, ulong? checkpoint = 4980, ulong? head = 5000) => new()
    {
        Generation = generation,
        Checkpoint = checkpoint is { } c ? GlobalPosition.Of(c) : null,
        Processed = checkpoint is { } p ? GlobalPosition.Of(p + 10) : null,
        Head = head is { } h ? GlobalPosition.Of(h) : null,
        LagPositions = 10,
        LagSeconds = 0.26,
        EventsProcessed = 5000,
        EventsPerSecond = 1234.4,
        Flushes = 42,
        LastFlushDocuments = 118,
        LastFlushDuration = TimeSpan.FromMilliseconds(3.6),
        LastFlushAt = At,
        DirtyAggregates = 7,
        LiveAggregates = 1500,
        ParkedEvents = 0,
        StreamTime = At,
        UnflushedEvents = 20,
    };

    public static ProgressSnapshot Snapshot(params ProjectionProgress[] projections) =>
        new(At, projections, [new ProgressLine("simulator", "2,000 ev/s, 12,345 appended")]);
}
