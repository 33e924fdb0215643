using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Projections.Benchmarks.Reporting;
using Projections.Core.Events;
using Projections.Hosting;
using Projections.Sqlite;
using Projections.Sqlite.Events;

namespace Projections.Benchmarks.Queries;

/// <summary>
/// Entity-list latency on the real host (Kestrel on loopback, embedded SQLite, the engine holding N live
/// aggregates): each kind of query is sent by C concurrent clients, R requests in all, while one prober
/// reads <c>/health/ready</c> and another <c>/api/projections</c> in a loop. Served and refused (503) requests are
/// counted apart. Everything goes through the public HTTP API, so the same program measures any version of the host.
/// </summary>
public static class EntityQueryBenchmark
{
    private const string Title = "Entity queries";
    private const double TargetP99Ms = 50;
    private const string Api = $"/api/projections/{QueryBenchProjection.ProjectionName}/entities";

    public static async Task<int> Run(EntityQueryOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"projections-query-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var clock = Stopwatch.StartNew();
            await AppendEvents(Path.Combine(directory, "events.db"), options.Aggregates);
            Console.WriteLine($"Appended {options.Aggregates:N0} events in {clock.Elapsed.TotalSeconds:0.0} s");
            await using var app = await StartHost(directory);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 4 })
            {
                BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
                Timeout = TimeSpan.FromMinutes(2),
            };
            await WaitUntilLive(http, options.Aggregates);
            Console.WriteLine($"Host live with {options.Aggregates:N0} aggregates after {clock.Elapsed.TotalSeconds:0.0} s; load average {LoadAverage()}");

            var table = new ResultTable();
            var scenario = $"{Title}, {options.Aggregates:N0} live, {options.Concurrency} concurrent";
            var n = options.Aggregates;
            string Random(int i) => QueryBenchProjection.Key((int)((i * 7919L + 13) % n));
            var kinds = new (string Name, Func<int, string> Path, bool Target)[]
            {
                ("filtered page: status=Lost (10 %), first 50", _ => $"{Api}?status=Lost&take=50", true),
                ("filtered page: status=Lost, 50 after a random key", i => $"{Api}?status=Lost&take=50&after={Random(i)}", true),
                ("filtered page: station=S7 (2 %), 50 after a random key", i => $"{Api}?station=S7&take=50&after={Random(i)}", true),
                ("unfiltered page: first 50", _ => $"{Api}?take=50", false),
                ("unfiltered page: 50 after a random key", i => $"{Api}?take=50&after={Random(i)}", false),
                ("unfiltered page: skip 5,000, take 50", _ => $"{Api}?take=50&skip=5000", false),
                ("scan: key search (key=<4 digits>)", i => $"{Api}?key={i % 10_000:D4}&take=50", false),
                ("scan: two filters (status=Lost&station=S10)", _ => $"{Api}?status=Lost&station=S10&take=50", false),
            };
            foreach (var kind in kinds) await Send(http, kind.Path, 20, 1); // warm-up (JIT, connections)
            foreach (var kind in kinds)
            {
                var result = await Measure(http, kind.Path, options.Requests, options.Concurrency);
                var served = result.Served;
                table.Add(new ResultRow(scenario, kind.Name,
                    served.Length == 0 ? "none served" : $"p50 {Ms(served, 50)}, p99 {Ms(served, 99)}" + (result.Refused > 0 ? $"; {result.Refused} of {options.Requests} refused (503)" : ""),
                    kind.Target ? $"p99 < {TargetP99Ms} ms" : "",
                    kind.Target ? served.Length > 0 && Stats.Percentile(served, 99) < TargetP99Ms : null));
                table.Add(new ResultRow(scenario, "  meanwhile /health/ready", $"p50 {Ms(result.Ready, 50)}, p99 {Ms(result.Ready, 99)}, max {Ms(result.Ready, 100)}"));
                table.Add(new ResultRow(scenario, "  meanwhile /api/projections", $"p50 {Ms(result.Projections, 50)}, p99 {Ms(result.Projections, 99)}, max {Ms(result.Projections, 100)}"));
            }
            table.Note(scenario, $"{Environment.ProcessorCount} cores, load average {LoadAverage()} at the end; {options.Requests} requests per kind; " +
                                 "latency is measured at the client (request sent to body read).");
            var markdown = table.ToMarkdown();
            Console.WriteLine();
            Console.WriteLine(markdown);
            if (options.OutputFile is { } path) await File.WriteAllTextAsync(path, markdown);
            await app.StopAsync();
            return table.Rows.Any(r => r.Met == false) ? 1 : 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task AppendEvents(string path, int aggregates)
    {
        using var store = new SqliteEventStore(new SqliteStoreOptions(path));
        await store.Initialize(CancellationToken.None);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        for (var start = 0; start < aggregates; start += 1000)
        {
            var batch = Enumerable.Range(start, Math.Min(1000, aggregates - start))
                .Select(i => new AppendRequest(QueryBenchProjection.Key(i), ExpectedRevision.Any,
                    [new EventData(Guid.NewGuid(), nameof(Registered), JsonSerializer.SerializeToUtf8Bytes(QueryBenchProjection.For(i), json))]))
                .ToList();
            await store.AppendMany(batch, CancellationToken.None);
        }
    }

    private static async Task<WebApplication> StartHost(string directory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Projections:DataDirectory"] = directory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProjections(p => p.Add<QueryBenchProjection>());
        var app = builder.Build();
        app.MapProjections();
        await app.StartAsync();
        return app;
    }

    /// <summary>Until every aggregate is live and the checkpoint has reached the head (no flush competes with the queries).</summary>
    private static async Task WaitUntilLive(HttpClient http, int aggregates)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException($"The host did not hold {aggregates:N0} live aggregates within 20 minutes.");
            var page = JsonDocument.Parse(await http.GetStringAsync($"{Api}?take=1")).RootElement;
            var projection = JsonDocument.Parse(await http.GetStringAsync("/api/projections")).RootElement[0];
            if (page.GetProperty("total").GetInt64() == aggregates && projection.GetProperty("checkpoint").GetString() is { } checkpoint
                && checkpoint == projection.GetProperty("head").GetString())
                return;
            await Task.Delay(500);
        }
    }

    private sealed record Result(double[] Served, int Refused, double[] Ready, double[] Projections);

    private static async Task<Result> Measure(HttpClient http, Func<int, string> path, int requests, int concurrency)
    {
        using var stop = new CancellationTokenSource();
        var ready = Probe(http, "/health/ready", stop.Token);
        var projections = Probe(http, "/api/projections", stop.Token);
        var (served, refused) = await Send(http, path, requests, concurrency);
        await stop.CancelAsync();
        return new Result(served, refused, await ready, await projections);
    }

    private static async Task<(double[] Served, int Refused)> Send(HttpClient http, Func<int, string> path, int requests, int concurrency)
    {
        var served = new ConcurrentBag<double>();
        var refused = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var (status, ms) = await Timed(http, path(i));
                if (status == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref refused);
                else if (status == HttpStatusCode.OK) served.Add(ms);
                else throw new InvalidOperationException($"{path(i)} answered {(int)status}.");
            }
        })));
        return (served.Order().ToArray(), refused);
    }

    /// <summary>Reads <paramref name="path"/> one request after another, 20 ms apart, until stopped (at least once).</summary>
    private static async Task<double[]> Probe(HttpClient http, string path, CancellationToken stop)
    {
        var samples = new List<double>();
        do
        {
            samples.Add((await Timed(http, path)).Ms);
            try { await Task.Delay(20, stop); } catch (OperationCanceledException) { }
        } while (!stop.IsCancellationRequested);
        return samples.Order().ToArray();
    }

    private static async Task<(HttpStatusCode Status, double Ms)> Timed(HttpClient http, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static string Ms(double[] ascending, double p) => ascending.Length == 0 ? "-" : $"{Stats.Percentile(ascending, p):0.0} ms";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
