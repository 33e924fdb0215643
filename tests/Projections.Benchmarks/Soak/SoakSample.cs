namespace Projections.Benchmarks.Soak;

/// <param name="HeapBytes">Live managed heap after a full blocking collection.</param>
/// <param name="Gen2Collections">Gen-2 collections so far, the samples' forced ones left out; <paramref name="GcPause"/> likewise.</param>
/// <param name="RssBytes">Resident set size of the process (SQLite's page caches and the runtime included).</param>
public sealed record SoakSample(
    long Events, TimeSpan Elapsed, DateTimeOffset PlantTime, long LiveItems, long LiveAggregates, long EstimatedLiveBytes,
    long TimersInMemory, long RetiredAggregates, long HeapBytes, long RssBytes, int Gen2Collections, TimeSpan GcPause);
