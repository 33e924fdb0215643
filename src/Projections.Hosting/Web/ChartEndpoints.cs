using System.Globalization;
using Projections.Hosting.Charts;

namespace Projections.Hosting.Web;

/// <summary>The dashboard's charts: a projection's samples of the last 15 minutes, or those after the last one a page drew.</summary>
internal static class ChartEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/projections/{name}/charts", (string name, HttpRequest request, IProjectionCatalog catalog, ProjectionCharts charts) =>
        {
            if (catalog.Find(name) is null) return ApiErrors.UnknownProjection(catalog, name);
            if (request.Query.Keys.FirstOrDefault(k => k != "after") is { } unknown)
                return ApiErrors.BadRequest($"Unknown query parameter '{unknown}'; charts take only after.");
            long after = 0;
            if (request.Query.TryGetValue("after", out var values))
            {
                if (!PagingParser.TrySingle(values, "after", out var text, out var error)) return ApiErrors.BadRequest(error!);
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out after))
                    return ApiErrors.BadRequest($"Query parameter 'after' must be a sample's seq (a whole number); got '{text}'.");
            }
            return Results.Ok(new ChartSeries(ProjectionCharts.Interval.TotalSeconds, ProjectionCharts.Window.TotalSeconds, charts.After(name, after)));
        });
}

/// <summary>Samples oldest first, one per <see cref="IntervalSeconds"/>, covering at most <see cref="WindowSeconds"/>.</summary>
internal sealed record ChartSeries(double IntervalSeconds, double WindowSeconds, IReadOnlyList<ChartSample> Samples);
