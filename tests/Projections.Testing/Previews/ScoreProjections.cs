using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Projections.Core.Projections;

namespace Projections.Testing.Previews;

public sealed record Score(string Id, int Points, string Grade, int Events);
public sealed record Scored(int Points);
public sealed record Noted(string Text);

/// <summary>Version 1 of the "scores" projection as deployed: grade "high" from 10 points.</summary>
public sealed class ScoresV1() : ScoresProjection(highFrom: 10, skip: null, handleNoted: false);

/// <summary>
/// Version 2, deliberately changed: "high" from 5 points (s-2 with 7 points changes grade and nothing else),
/// stream s-3 is no longer projected (removed), and Noted events create aggregates (s-4 is added).
/// </summary>
public sealed class ScoresV2() : ScoresProjection(highFrom: 5, skip: "s-3", handleNoted: true);

public abstract class ScoresProjection : Projection<Score>
{
    public const string ProjectionName = "scores";

    protected ScoresProjection(int highFrom, string? skip, bool handleNoted) : base(ProjectionName)
    {
        JsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        FromStreams(skip is null ? ["s-"] : ["s-1", "s-2", "s-4"]);
        Initially(key => new Score(key, 0, "low", 0));
        On<Scored>((s, e, _) => s with { Points = s.Points + e.Points, Grade = s.Points + e.Points >= highFrom ? "high" : "low", Events = s.Events + 1 });
        if (handleNoted) On<Noted>((s, _, _) => s with { Events = s.Events + 1 });
    }
}
