namespace Projections.Hosting.Charts;

/// <summary>
/// One point of a projection's dashboard charts. <see cref="Seq"/> grows by one per sample across all
/// projections, so a page asks for the samples after the last one it drew.
/// </summary>
internal sealed record ChartSample(long Seq, DateTimeOffset At, double EventsPerSecond, ulong LagEvents, double FlushSize);
