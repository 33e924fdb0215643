using System.Collections.Concurrent;
using Projections.Core.Runtime;

namespace Projections.Hosting.Charts;

/// <summary>
/// The dashboard's charts: per projection, the last <see cref="Window"/> of events per second, lag and
/// flush size, one sample per <see cref="Interval"/>, in memory only (a restarted host starts empty).
/// <para>
/// One sample a second rather than every five: the dashboard already polls every second, a lag spike or
/// a burst shorter than five seconds would fall between samples, and the cost is small (900 samples of
/// 40 bytes per projection; a page downloads the window once, then only the samples after its last one).
/// </para>
/// </summary>
internal sealed class ProjectionCharts
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private static readonly int Capacity = (int)(Window / Interval);

    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
    private long _seq;

    /// <summary>Takes one sample of every projection at <paramref name="now"/>.</summary>
    public void Sample(IEnumerable<IProjectionRuntime> runtimes, DateTimeOffset now)
    {
        foreach (var runtime in runtimes)
            _series.GetOrAdd(runtime.Name, _ => new Series()).Add(runtime.GetStats(), now, Interlocked.Increment(ref _seq));
    }

    /// <summary>The projection's samples after <paramref name="afterSeq"/>, oldest first (none before its first sample).</summary>
    public IReadOnlyList<ChartSample> After(string projection, long afterSeq) =>
        _series.TryGetValue(projection, out var series) ? series.Ring.After(afterSeq) : [];

    private sealed class Series
    {
        public SampleRing Ring { get; } = new(Capacity);
        private ProjectionStats? _previous;
        private DateTimeOffset _previousAt;

        /// <summary>
        /// Rates from the counters' change since the previous sample: events per second over exactly the
        /// interval, and the mean documents per flush of the flushes in it (0 when none ran). After a rebuild
        /// switched generations the counters start again: that sample takes the engine's own rate and last flush.
        /// </summary>
        public void Add(ProjectionStats stats, DateTimeOffset now, long seq)
        {
            var previous = _previous;
            var seconds = (now - _previousAt).TotalSeconds;
            var continuous = previous is not null && previous.Generation == stats.Generation && seconds > 0
                && stats.EventsProcessed >= previous.EventsProcessed && stats.Flushes >= previous.Flushes
                && stats.DocumentsFlushed >= previous.DocumentsFlushed;
            double eventsPerSecond, flushSize;
            if (continuous)
            {
                eventsPerSecond = (stats.EventsProcessed - previous!.EventsProcessed) / seconds;
                var flushes = stats.Flushes - previous.Flushes;
                flushSize = flushes == 0 ? 0 : (double)(stats.DocumentsFlushed - previous.DocumentsFlushed) / flushes;
            }
            else
            {
                eventsPerSecond = stats.EventsPerSecond;
                flushSize = stats.LastFlushDocuments;
            }
            _previous = stats;
            _previousAt = now;
            Ring.Add(new ChartSample(seq, now, Math.Round(eventsPerSecond, 1), stats.LagPositions, Math.Round(flushSize, 1)));
        }
    }
}
