using System.Globalization;
using Projections.Benchmarks.Cli;

namespace Projections.Benchmarks.Soak;

/// <summary>Options of the `soak` command; any bad option is one clear error.</summary>
public sealed record SoakOptions
{
    public const string Usage =
        """
        soak options:
          --events E         events appended and projected (default 1000000)
          --items N          items in flight (default 1000)
          --detections D     detections per item between registration and completion (default 6)
          --samples S        samples over the run (default 20)
          --out FILE         also write the markdown summary to FILE
          --hold-samples S   after each sample, append nothing for S seconds (time to take a heap dump:
                             dotnet-gcdump collect -p PID, the pid is printed)
        """;

    public int Events { get; init; } = 1_000_000;
    public int InFlight { get; init; } = 1_000;
    public int Detections { get; init; } = 6;
    public int Samples { get; init; } = 20;
    public string? OutputFile { get; init; }
    public int HoldSamplesSeconds { get; init; }

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"Option {name} needs a value.");
            options = name switch
            {
                "--events" => options with { Events = Positive(name, Value()) },
                "--items" => options with { InFlight = Positive(name, Value()) },
                "--detections" => options with { Detections = Positive(name, Value()) },
                "--samples" => options with { Samples = Positive(name, Value()) },
                "--out" => options with { OutputFile = Value() },
                "--hold-samples" => options with { HoldSamplesSeconds = Positive(name, Value()) },
                _ => throw new BenchUsageException($"Unknown soak option '{name}'.\n{Usage}"),
            };
        }
        if (options.Events < options.Samples * options.InFlight)
            throw new BenchUsageException($"--events ({options.Events}) must be at least --samples × --items ({options.Samples * options.InFlight}).");
        return options;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new BenchUsageException($"Option {name} needs a positive whole number, got '{text}'.");
}
