using System.Globalization;
using System.Text.RegularExpressions;

namespace PlantTracking.Tests.Support;

/// <summary>The samples of a host's <c>/metrics</c> (Prometheus text format): one metric's series, each with its labels and value.</summary>
public static partial class PrometheusSamples
{
    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string this[string label] => Labels.TryGetValue(label, out var value) ? value : "";
    }

    /// <summary>The series of <paramref name="metric"/> (its exact name, e.g. <c>projections_events_processed_total</c>).</summary>
    public static IReadOnlyList<Sample> Of(string text, string metric) =>
        text.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)).Select(Parse).ToList();

    private static Sample Parse(string line)
    {
        var close = line.LastIndexOf('}');
        var labels = Label().Matches(line[..close]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return new Sample(labels, double.Parse(line[(close + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
