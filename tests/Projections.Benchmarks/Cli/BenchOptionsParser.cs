using System.Globalization;

namespace Projections.Benchmarks.Cli;

/// <summary>Parses the options of the `scenarios` command; any bad option is one clear error.</summary>
public static class BenchOptionsParser
{
    public const string Usage =
        """
        Usage:
          dotnet run -c Release --project tests/Projections.Benchmarks -- scenarios [options]
          dotnet run -c Release --project tests/Projections.Benchmarks -- micro [BenchmarkDotNet options, e.g. --filter *Apply*]
          dotnet run -c Release --project tests/Projections.Benchmarks -- soak [--events 1000000 --items 1000 --detections 6 --samples 20 --out FILE]

        scenarios options:
          --items N          items in flight in the plant simulator (default 350)
          --stations M       stations of the plant; routes cover about half, so this sets
                             the events per item (default 600: about 100 events per item)
          --events E         total events of the throughput workload (default 100000)
          --rounds R         rounds per scenario, variants alternate, medians reported (default 3)
          --memory A,B       live aggregate counts for the memory scenario (default 100000,1000000)
          --cap C            MaxLiveAggregates of the eviction variant (default 100000)
          --partitions A,B   scenario 1: run the engine with each of these partition counts
                             (default: one run with the engine's default, the processor count)
          --rate R           append rate of the latency scenario, events/s (default 10000)
          --duration S       seconds of appending in the latency scenario (default 10)
          --budget S         seconds the per-event projector may run per round (default 15)
          --only 1,2,...     run only these scenarios
          --eventstore URL   also run scenarios 2, 3, 5 with this EventStoreDB (esdb://...) as event store
          --mongo URL        also run scenarios 2, 3, 5 with this MongoDB (mongodb://...) as projection store
                             (both given: also EventStoreDB events with MongoDB documents)
          --postgres CS      also run scenarios 2, 3, 5 with PostgreSQL as projection store: an Npgsql
                             connection string of a user that may create databases, or "throwaway"
                             (starts a PostgreSQL 15 of its own from /usr/lib/postgresql/15)
          --out FILE         also write the markdown table to FILE
          --smoke            tiny workload, every scenario, finishes in seconds
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--smoke") ? BenchOptions.SmokeDefaults : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--smoke") continue;
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"Option {name} needs a value.");
            options = name switch
            {
                "--items" => options with { Items = Positive(name, Value()) },
                "--stations" => options with { Stations = Positive(name, Value()) },
                "--events" => options with { Events = Positive(name, Value()) },
                "--rounds" => options with { Rounds = Positive(name, Value()) },
                "--memory" => options with { MemoryAggregates = List(name, Value()) },
                "--cap" => options with { EvictionCap = Positive(name, Value()) },
                "--partitions" => options with { Partitions = List(name, Value()) },
                "--rate" => options with { LatencyRate = Positive(name, Value()) },
                "--duration" => options with { LatencyDuration = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--budget" => options with { PerEventBudget = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--only" => options with { Only = Scenarios(name, Value()) },
                "--eventstore" => options with { EventStoreDb = Value() },
                "--mongo" => options with { MongoDb = Value() },
                "--postgres" => options with { Postgres = Value() },
                "--out" => options with { OutputFile = Value() },
                _ => throw new BenchUsageException($"Unknown option '{name}'."),
            };
        }
        if (options.Events < options.Items)
            throw new BenchUsageException($"--events ({options.Events}) must be at least --items ({options.Items}): every item needs an event.");
        return options;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new BenchUsageException($"Option {name} needs a positive whole number, got '{text}'.");

    private static IReadOnlyList<int> List(string name, string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => Positive(name, t)).ToArray();

    private static IReadOnlySet<int> Scenarios(string name, string text)
    {
        var set = List(name, text).ToHashSet();
        if (set.Any(s => s > 5)) throw new BenchUsageException($"Option {name} takes scenario numbers 1 to 5, got '{text}'.");
        return set;
    }
}

public sealed class BenchUsageException(string message) : Exception(message);
