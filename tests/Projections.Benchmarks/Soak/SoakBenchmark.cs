using System.Diagnostics;
using System.Globalization;
using System.Text;
using PlantTracking.Items;
using PlantTracking.Stations;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Running;
using Projections.Core;
using Projections.Core.Events;
using Projections.Core.Runtime;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;

namespace Projections.Benchmarks.Soak;

/// <summary>
/// The soak (issue 12): a steady plant (<see cref="SteadyPlant"/>) appended to the embedded default
/// (SQLite events and documents, default engine options, both plant projections) while the engine
/// follows it, sampling live aggregates, the budget's estimate, the managed heap and RSS. It asserts
/// nothing: it prints the series and whether each stayed within ±10 % of its mean after warm-up.
/// </summary>
public static class SoakBenchmark
{
    /// <summary>Plant time per event: 1,000 items in flight are each seen every 50 s, well within the 10-minute lost timeout.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private const int AppendBatch = 1_000;
    /// <summary>The engine follows within this many events: the soak measures a live engine, not a backlog.</summary>
    private const int MaxLag = 20_000;
    /// <summary>Samples taken while events are at most this share of the run are warm-up (the first completed items retire after an hour of plant time).</summary>
    private const double WarmUpShare = 0.2;
    private const double Tolerance = 0.10;
    /// <summary>What the samples' own full collections cost, left out of the GC figures (one process, one soak at a time).</summary>
    private static TimeSpan _forcedPause;
    private static int _forcedGen2;

    public static async Task<int> Run(SoakOptions options, CancellationToken ct)
    {
        using var files = new SqliteFiles();
        var events = new SqliteEventStore(files.NewFile("soak-events"));
        await events.Initialize(ct);
        var documents = new SqliteProjectionStore(files.NewFile("soak-documents"));
        await documents.Initialize(ct);
        var plant = new SteadyPlant(options.InFlight, options.Detections, Step);
        var loadBefore = LoadAverage();
        Console.WriteLine($"Soak: {options.Events:N0} events, {options.InFlight:N0} items in flight, {plant.EventsPerItem} events per item, " +
                          $"{Step.TotalMilliseconds} ms of plant time per event; SQLite; {Environment.ProcessorCount} cores; load average {loadBefore}");

        var items = new PlantItemsProjection();
        await using var engine = new ProjectionEngine(events, documents, [items, new StationLoadProjection()], new ProjectionEngineOptions());
        await engine.StartAsync(ct);
        var runtimes = engine.Runtimes;
        var itemsRuntime = engine.Find(items.Name)!;
        var clock = Stopwatch.StartNew();
        var samples = new List<SoakSample>();
        var every = options.Events / options.Samples;
        long appended = 0;
        while (appended < options.Events)
        {
            var count = (int)Math.Min(AppendBatch, every - appended % every);
            count = (int)Math.Min(count, options.Events - appended);
            await events.AppendMany(plant.Next(count), ct);
            appended += count;
            if (appended % every == 0 || appended == options.Events)
            {
                var head = await events.ReadHeadPosition(ct);
                foreach (var r in runtimes) await EngineRunner.WaitForHead(r, head, ct);
                samples.Add(Sample(appended, clock.Elapsed, plant.TimeAfter(appended), itemsRuntime, runtimes));
                Console.WriteLine(Row(samples[^1]));
                if (options.HoldSamplesSeconds > 0)
                {
                    Console.WriteLine($"holding {options.HoldSamplesSeconds} s for a heap dump (pid {Environment.ProcessId})");
                    await Task.Delay(TimeSpan.FromSeconds(options.HoldSamplesSeconds), ct);
                }
            }
            else await KeepUp(runtimes, await events.ReadHeadPosition(ct), ct);
        }
        await engine.StopAsync(ct);

        var markdown = Summary(options, plant, samples, loadBefore, LoadAverage());
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.OutputFile is { } path) await File.WriteAllTextAsync(path, markdown, ct);
        return 0;
    }

    /// <summary>Positions, not event counts: a projection does not count the events it has no handler for. SQLite numbers events 1, 2, 3...</summary>
    private static async Task KeepUp(IReadOnlyList<IProjectionRuntime> runtimes, GlobalPosition head, CancellationToken ct)
    {
        while (runtimes.Any(r => r.GetStats().Processed is not { } processed || head.Commit - Math.Min(head.Commit, processed.Commit) > MaxLag))
        {
            if (runtimes.FirstOrDefault(r => r.Error is not null) is { } failed)
                throw new InvalidOperationException($"Projection '{failed.Name}' stopped during the soak: {failed.Error!.Message}", failed.Error);
            await Task.Delay(10, ct);
        }
    }

    private static SoakSample Sample(long events, TimeSpan elapsed, DateTimeOffset plantTime, IProjectionRuntime items, IReadOnlyList<IProjectionRuntime> all)
    {
        var stats = all.Select(r => r.GetStats()).ToArray();
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var heap = Heap.LiveBytes();
        _forcedPause += GC.GetTotalPauseDuration() - pauseBefore;
        _forcedGen2 += GC.CollectionCount(2) - gen2Before;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new SoakSample(events, elapsed, plantTime, items.GetStats().LiveAggregates, stats.Sum(s => s.LiveAggregates),
            stats.Sum(s => s.EstimatedLiveBytes), stats.Sum(s => s.TimersInMemory), stats.Sum(s => s.RetiredAggregates),
            heap, process.WorkingSet64, GC.CollectionCount(2) - _forcedGen2, GC.GetTotalPauseDuration() - _forcedPause);
    }

    private static string Row(SoakSample s) => string.Create(CultureInfo.InvariantCulture,
        $"| {s.Events:N0} | {s.Elapsed.TotalSeconds:N0} s | {s.PlantTime:yyyy-MM-dd HH:mm} | {s.LiveItems:N0} | {s.LiveAggregates:N0} | {Mib(s.EstimatedLiveBytes)} | " +
        $"{s.TimersInMemory:N0} | {s.RetiredAggregates:N0} | {Mib(s.HeapBytes)} | {Mib(s.RssBytes)} |");

    private static string Summary(SoakOptions options, SteadyPlant plant, List<SoakSample> samples, string loadBefore, string loadAfter)
    {
        var steady = samples.Where(s => s.Events > options.Events * WarmUpShare).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Soak: {options.Events:N0} events ({options.InFlight:N0} items in flight, {plant.EventsPerItem} events per item, " +
                                                      $"{Step.TotalMilliseconds} ms of plant time per event), SQLite events and documents, plant-items and station-load, default engine options; " +
                                                      $"load average {loadBefore} before, {loadAfter} after; {samples[^1].Elapsed.TotalSeconds:N0} s; " +
                                                      $"{samples[^1].Gen2Collections} gen-2 collections and {samples[^1].GcPause.TotalMilliseconds:N0} ms of GC pauses in total " +
                                                      $"(the samples' own forced collections left out).");
        text.AppendLine();
        text.AppendLine("| events | elapsed | plant time | live items | live aggregates | estimated live | timers | retired | heap after full GC | RSS |");
        text.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in samples) text.AppendLine(Row(s));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"After warm-up (samples past {WarmUpShare:P0} of the events, n = {steady.Count}), each series against its own mean:");
        text.AppendLine();
        text.AppendLine("| series | mean | min | max | largest deviation | first → last | within ±10 % |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        Series("live aggregates", s => s.LiveAggregates, n => n.ToString("N0", CultureInfo.InvariantCulture));
        Series("live items (plant-items)", s => s.LiveItems, n => n.ToString("N0", CultureInfo.InvariantCulture));
        Series("estimated live bytes", s => s.EstimatedLiveBytes, Mib);
        Series("timers in memory", s => s.TimersInMemory, n => n.ToString("N0", CultureInfo.InvariantCulture));
        Series("heap after full GC", s => s.HeapBytes, Mib);
        Series("RSS", s => s.RssBytes, Mib);
        return text.ToString();

        void Series(string name, Func<SoakSample, long> value, Func<long, string> format)
        {
            if (steady.Count == 0) return;
            var values = steady.Select(value).ToArray();
            var mean = values.Average();
            var deviation = values.Max(v => Math.Abs(v - mean)) / Math.Max(1, mean);
            var drift = (values[^1] - values[0]) / Math.Max(1.0, values[0]);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {format((long)mean)} | {format(values.Min())} | {format(values.Max())} | {deviation:P1} | {drift:+0.0 %;-0.0 %} | {(deviation <= Tolerance ? "yes" : "**no**")} |");
        }
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture) + " MiB";

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
