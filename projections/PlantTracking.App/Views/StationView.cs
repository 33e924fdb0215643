using PlantTracking.Items;
using Projections.Hosting.Views;

namespace PlantTracking.App.Views;

/// <summary>
/// The dashboard's "Stations" page: per station, the items present there now (active, last detected there)
/// and, highlighted, the items lost there (last detected there, then not seen for <c>lostAfter</c>).
/// Completed items and items never detected are not at any station.
/// </summary>
public static class StationView
{
    public const string Name = "stations";

    public static BarChartView Create() =>
        new BarChartView<PlantItem>(Name, "Stations", PlantItemsProjection.ProjectionName, Bars)
        {
            Description = "Items present at each station now, and the items lost there (last seen there and not detected since).",
            CountLabel = "present",
            HighlightLabel = "lost",
        };

    public static IEnumerable<ChartBar> Bars(IEnumerable<PlantItem> items)
    {
        var stations = new SortedDictionary<string, (int Present, List<string> Lost)>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.CurrentStation is not { } station || item.Status == ItemStatus.Completed) continue;
            var (present, lost) = stations.TryGetValue(station, out var found) ? found : (0, []);
            if (item.Status == ItemStatus.Lost) lost.Add(item.Id);
            else present++;
            stations[station] = (present, lost);
        }
        return stations.Select(s => new ChartBar(s.Key, s.Value.Present, s.Value.Lost));
    }
}
