using System.Diagnostics;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Cli;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Scenarios;

namespace Projections.Benchmarks.Running;

/// <summary>Builds the workloads, runs the selected scenarios one after another and prints one table.</summary>
public static class ScenarioRunner
{
    public static async Task<int> Run(BenchOptions options, CancellationToken stop = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var ct = cancel.Token;
        var clock = Stopwatch.StartNew();
        await using var environment = await BenchEnvironment.Create(options, ct);
        Console.WriteLine($"Projections benchmarks: {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                          $"{(options.Smoke ? "smoke workload" : "full workload")}, {options.Rounds} round(s)");

        var table = new ResultTable();
        var failures = 0;
        var unavailable = new Dictionary<string, string>();
        foreach (var scenario in environment.Scenarios())
        {
            Console.WriteLine();
            Console.WriteLine(scenario.Title);
            var started = clock.Elapsed;
            if (scenario.Backend is { } backend && Unavailable(backend) is { } reason)
            {
                failures++;
                table.Add(new ResultRow(scenario.Title, "SKIPPED", reason));
                continue;
            }
            try
            {
                await scenario.Run(table, ct);
            }
            catch (BackendUnavailableException e)
            {
                failures++;
                unavailable[e.Backend] = e.Message;
                table.Add(new ResultRow(scenario.Title, "FAILED", e.Message));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failures++;
                table.Add(new ResultRow(scenario.Title, "FAILED", e.Message.ReplaceLineEndings(" ")));
                Console.Error.WriteLine(e);
            }
            Console.WriteLine($"  ({(clock.Elapsed - started).TotalSeconds:0.0} s)");
        }

        var markdown = table.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Total {clock.Elapsed.TotalSeconds:0.0} s.");
        if (options.OutputFile is { } path) await File.WriteAllTextAsync(path, markdown, ct);
        return failures == 0 ? 0 : 1;

        string? Unavailable(Backend backend) =>
            unavailable.GetValueOrDefault(backend.Events.Name) ?? unavailable.GetValueOrDefault(backend.Documents.Name);
    }
}
