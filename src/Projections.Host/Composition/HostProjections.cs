using PlantTracking.Items;
using PlantTracking.Stations;
using Projections.Core.Projections;

namespace Projections.Host.Composition;

/// <summary>The projections this host runs: the plant-tracking sample's two.</summary>
public static class HostProjections
{
    public static IReadOnlyList<IProjection> Create() => [new PlantItemsProjection(), new StationLoadProjection()];

    /// <summary>Resolves "all" or one projection name; null stays empty. Unknown names are a user error naming <paramref name="optionName"/>.</summary>
    public static IReadOnlyList<string> ResolveNames(IReadOnlyList<IProjection> projections, string? target, string optionName)
    {
        if (target is null) return [];
        if (string.Equals(target, "all", StringComparison.OrdinalIgnoreCase)) return projections.Select(p => p.Name).ToList();
        var match = projections.FirstOrDefault(p => string.Equals(p.Name, target, StringComparison.Ordinal))
            ?? throw new HostUserException(
                $"Unknown projection '{target}' for {optionName}; expected all or one of: {string.Join(", ", projections.Select(p => p.Name))}.");
        return [match.Name];
    }
}
