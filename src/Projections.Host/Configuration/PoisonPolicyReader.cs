using Microsoft.Extensions.Configuration;
using Projections.Core.Projections;
using Projections.Host.Cli;
using Projections.Host.Composition;

namespace Projections.Host.Configuration;

/// <summary>
/// The operator's poison policy: <c>--on-poison stop|park</c> (<c>Projections:Engine:OnPoison</c>) for
/// every projection, and <c>Projections:Projections:&lt;name&gt;:OnPoison</c> for one, which wins.
/// Unset keeps each projection's own policy. A bad value or an unknown projection name is one error naming the key.
/// </summary>
public static class PoisonPolicyReader
{
    public const string PerProjectionSection = "Projections:Projections";

    public static PoisonEventPolicy? ReadGlobal(IConfiguration configuration) =>
        configuration[HostOptionCatalog.OnPoison.ConfigKey] is { Length: > 0 } value ? Parse(HostOptionCatalog.OnPoison, value) : null;

    public static IReadOnlyDictionary<string, PoisonEventPolicy> ReadPerProjection(IConfiguration configuration)
    {
        var known = HostProjections.Create().Select(p => p.Name).ToList();
        var policies = new Dictionary<string, PoisonEventPolicy>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(PerProjectionSection).GetChildren())
        {
            var option = HostOptionCatalog.OnPoison with { ConfigKey = $"{PerProjectionSection}:{section.Key}:OnPoison" };
            if (section["OnPoison"] is not { Length: > 0 } value) continue;
            if (!known.Contains(section.Key))
                throw new HostUserException($"Unknown projection '{section.Key}' in {option.ConfigKey}; expected one of: {string.Join(", ", known)}.");
            policies[section.Key] = Parse(option, value);
        }
        return policies;
    }

    private static PoisonEventPolicy Parse(HostOption option, string value) => value.Trim().ToLowerInvariant() switch
    {
        "stop" => PoisonEventPolicy.Stop,
        "park" => PoisonEventPolicy.Park,
        _ => throw ValueParsers.Invalid(option, value, "expected stop or park"),
    };
}
