using PlantTracking.Events;

namespace PlantTracking.Simulation;

/// <summary>Random plans: an ordered subset of the plant's stations, each with an expected dwell.</summary>
internal sealed class RouteGenerator(PlantSimulatorOptions options, Random random)
{
    /// <summary>A full route: at least three stations (or all, in a small plant), in station order.</summary>
    public List<PlannedStation> NewRoute() => Route(firstIndex: 0, minimum: Math.Min(3, options.Stations));

    /// <summary>A new remainder after the station at <paramref name="afterIndex"/> (at least one station).</summary>
    public List<PlannedStation> Remainder(int afterIndex)
    {
        var first = Math.Min(afterIndex + 1, options.Stations - 1);
        return Route(first, minimum: 1);
    }

    public string StationOutside(List<PlannedStation> plan)
    {
        var outside = Enumerable.Range(0, options.Stations)
            .Select(i => SimulationText.Station(i, options.Stations))
            .Where(s => plan.All(p => p.Station != s))
            .ToList();
        return outside.Count == 0 ? plan[0].Station : outside[random.Next(outside.Count)];
    }

    public int IndexOf(string station) => int.Parse(station.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture) - 1;

    private List<PlannedStation> Route(int firstIndex, int minimum)
    {
        var candidates = options.Stations - firstIndex;
        var count = random.Next(Math.Min(minimum, candidates), candidates + 1);
        var chosen = Enumerable.Range(firstIndex, candidates).OrderBy(_ => random.Next()).Take(count).Order();
        return chosen.Select(i => new PlannedStation(SimulationText.Station(i, options.Stations), Dwell())).ToList();
    }

    private TimeSpan Dwell()
    {
        var span = (options.MaxDwell - options.MinDwell).TotalSeconds;
        var seconds = options.MinDwell.TotalSeconds + random.NextDouble() * span;
        return TimeSpan.FromSeconds(Math.Round(seconds / 30) * 30 is var rounded && rounded > 0 ? rounded : seconds);
    }
}
