using Projections.Core.Projections;

namespace Projections.Hosting.Settings;

/// <summary>
/// The operator's poison policy: <c>--on-poison stop|park</c> (<c>Projections:Engine:OnPoison</c>, an
/// <see cref="EngineSettings"/> entry) for every projection, and <c>Projections:Projections:&lt;name&gt;:OnPoison</c>
/// for one, which wins. Unset keeps each projection's own policy; the engine refuses a name it does not run.
/// </summary>
internal static class PoisonPolicyReader
{
    public const string PerProjectionSection = "Projections:Projections";

    public static IReadOnlyDictionary<string, PoisonEventPolicy> ReadPerProjection(IConfiguration configuration, HostOption onPoison)
    {
        var policies = new Dictionary<string, PoisonEventPolicy>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(PerProjectionSection).GetChildren())
        {
            if (section["OnPoison"] is not { Length: > 0 } value) continue;
            policies[section.Key] = Parse(onPoison with { ConfigKey = $"{PerProjectionSection}:{section.Key}:OnPoison" }, value);
        }
        return policies;
    }

    public static PoisonEventPolicy Parse(HostOption option, string value) => value.Trim().ToLowerInvariant() switch
    {
        "stop" => PoisonEventPolicy.Stop,
        "park" => PoisonEventPolicy.Park,
        _ => throw ValueParsers.Invalid(option, value, "expected stop or park"),
    };
}
