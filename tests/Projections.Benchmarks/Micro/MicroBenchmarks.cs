using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Projections.Benchmarks.Micro;

/// <summary>
/// BenchmarkDotNet entry: hot paths of the engine, with allocations. Runs in-process (no generated
/// project to build) with a short job, so the whole set takes a few minutes on 2 cores; pass
/// BenchmarkDotNet options after `micro`, e.g. `--filter *Json*`.
/// </summary>
public static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromTypes(
        [
            typeof(DispatchBenchmarks),
            typeof(EngineEventBenchmarks),
            typeof(ApplyBenchmarks),
            typeof(JsonBenchmarks),
            typeof(BarrierSnapshotBenchmarks),
            typeof(PostgresBulkWriteBenchmarks),
        ]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
