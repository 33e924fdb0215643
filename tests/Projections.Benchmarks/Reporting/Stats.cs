namespace Projections.Benchmarks.Reporting;

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new InvalidOperationException("No measurements to take the median of.");
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Nearest-rank percentile of an ascending array (p in 0..100).</summary>
    public static double Percentile(double[] ascending, double p)
    {
        if (ascending.Length == 0) throw new InvalidOperationException("No samples to take a percentile of.");
        var rank = (int)Math.Ceiling(p / 100 * ascending.Length);
        return ascending[Math.Clamp(rank - 1, 0, ascending.Length - 1)];
    }

    public static string Spread(IReadOnlyCollection<double> values, Func<double, string> format) =>
        values.Count <= 1 ? "" : $" ({format(values.Min())}–{format(values.Max())})";
}
