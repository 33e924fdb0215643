using System.Globalization;
using Projections.Benchmarks.Cli;

namespace Projections.Benchmarks.Queries;

/// <summary>Options of the <c>entity-queries</c> command.</summary>
public sealed record EntityQueryOptions
{
    public const string Usage =
        """
          dotnet run -c Release --project tests/Projections.Benchmarks -- entity-queries [options]

        entity-queries options:
          --aggregates N     live aggregates the host holds (default 200000)
          --concurrency C    requests in flight at once (default 8)
          --requests R       requests per kind of query (default 400)
          --out FILE         also write the markdown table to FILE
        """;

    public int Aggregates { get; init; } = 200_000;
    public int Concurrency { get; init; } = 8;
    public int Requests { get; init; } = 400;
    public string? OutputFile { get; init; }

    public static EntityQueryOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EntityQueryOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"Option {name} needs a value.");
            options = name switch
            {
                "--aggregates" => options with { Aggregates = Positive(name, Value()) },
                "--concurrency" => options with { Concurrency = Positive(name, Value()) },
                "--requests" => options with { Requests = Positive(name, Value()) },
                "--out" => options with { OutputFile = Value() },
                _ => throw new BenchUsageException($"Unknown option '{name}' of entity-queries."),
            };
        }
        return options;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new BenchUsageException($"Option {name} needs a positive whole number, got '{text}'.");
}
