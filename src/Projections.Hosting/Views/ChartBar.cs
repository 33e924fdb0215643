namespace Projections.Hosting.Views;

/// <summary>
/// One bar of a <see cref="BarChartView"/>: <paramref name="Count"/> drawn in the normal colour, then one unit
/// per key in <paramref name="HighlightedKeys"/> in the alert colour; the page lists those keys as links to their entities.
/// </summary>
public sealed record ChartBar(string Label, int Count, IReadOnlyList<string> HighlightedKeys);
