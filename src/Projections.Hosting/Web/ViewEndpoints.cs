using Projections.Core.Runtime;
using Projections.Hosting.Views;

namespace Projections.Hosting.Web;

/// <summary>The application's chart views (<see cref="ProjectionsBuilder.AddView"/>): the list for the navigation, and one view's bars.</summary>
internal static class ViewEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/views", (HttpContext http) =>
            TypedResults.Ok(Views(http).Select(v => new ViewLink(v.Name, v.Title)).ToArray()));

        api.MapGet("/views/{name}", (string name, HttpContext http, IProjectionCatalog catalog) =>
        {
            var views = Views(http);
            if (views.FirstOrDefault(v => v.Name == name) is not { } view)
                return TypedResults.Problem($"No view named '{name}'. Views: {(views.Count == 0 ? "none" : string.Join(", ", views.Select(v => v.Name)))}.",
                    statusCode: StatusCodes.Status404NotFound, title: "Unknown view");
            if (catalog.Find(view.Projection) is not { } runtime) return ApiErrors.UnknownProjection(catalog, view.Projection);
            // Every live aggregate, in key order (a standby holds none: its bars are empty and it says so).
            var live = runtime.Query(new EntityQuery { Take = int.MaxValue });
            var bars = view.Compute(runtime.Projection, live.Items.Select(e => e.State));
            return Results.Ok(new ViewResult(view.Name, view.Title, view.Projection, view.Description, view.CountLabel, view.HighlightLabel,
                live.Total, runtime.Status == ProjectionStatus.Standby, bars));
        });
    }

    private static IReadOnlyList<BarChartView> Views(HttpContext http) =>
        http.RequestServices.GetService<ProjectionsRegistration>()?.Views ?? [];
}

internal sealed record ViewLink(string Name, string Title);

internal sealed record ViewResult(string Name, string Title, string Projection, string? Description, string CountLabel, string HighlightLabel,
    long LiveAggregates, bool Standby, IReadOnlyList<ChartBar> Bars);
