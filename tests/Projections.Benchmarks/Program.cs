using Projections.Benchmarks.Cli;
using Projections.Benchmarks.Micro;
using Projections.Benchmarks.Queries;
using Projections.Benchmarks.Running;
using Projections.Benchmarks.Soak;

// Benchmarks of the projection engine; see docs/performance.md. Not a test project: `dotnet test` never runs it.
try
{
    var command = args.Length == 0 ? "" : args[0];
    return command switch
    {
        "scenarios" => await ScenarioRunner.Run(BenchOptionsParser.Parse(args[1..])),
        "--smoke" => await ScenarioRunner.Run(BenchOptionsParser.Parse(args)),
        "micro" => MicroBenchmarks.Run(args[1..]),
        "entity-queries" => await EntityQueryBenchmark.Run(EntityQueryOptions.Parse(args[1..])),
        "soak" => await SoakBenchmark.Run(SoakOptions.Parse(args[1..]), CancellationToken.None),
        _ => throw new BenchUsageException(command.Length == 0 ? "Say which benchmarks to run." : $"Unknown command '{command}'."),
    };
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptionsParser.Usage);
    Console.Error.WriteLine(EntityQueryOptions.Usage);
    return 2;
}
