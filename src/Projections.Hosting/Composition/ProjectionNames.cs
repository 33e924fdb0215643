using Projections.Core.Projections;

namespace Projections.Hosting.Composition;

/// <summary>Projection names as the command line gives them.</summary>
internal static class ProjectionNames
{
    /// <summary>Resolves "all" or one projection name; null stays empty. Unknown names are a user error naming <paramref name="optionName"/>.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<IProjection> projections, string? target, string optionName)
    {
        if (target is null) return [];
        if (string.Equals(target, "all", StringComparison.OrdinalIgnoreCase)) return projections.Select(p => p.Name).ToList();
        var match = projections.FirstOrDefault(p => string.Equals(p.Name, target, StringComparison.Ordinal))
            ?? throw new HostUserException(
                $"Unknown projection '{target}' for {optionName}; expected all or one of: {string.Join(", ", projections.Select(p => p.Name))}.");
        return [match.Name];
    }
}
