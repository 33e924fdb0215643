using Microsoft.Extensions.Options;
using Projections.Core.Replay;
using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>An aggregate's history (every event and fired timeout, folded on demand by the reference fold) and its state as of a point in it.</summary>
internal static class EntityHistoryEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        EntityRoutes.Map(api, "/history", (name, key, http) => History(name, key, http.Request, http.RequestServices.GetRequiredService<IProjectionCatalog>(),
            http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value, http.RequestAborted));
    }

    private static async Task<IResult> History(string name, string key, HttpRequest request, IProjectionCatalog catalog, WebOptions options,
        CancellationToken cancellationToken)
    {
        if (catalog.Find(name) is not { } runtime) return ApiErrors.UnknownProjection(catalog, name);
        if (!PagingParser.TryRead(request.Query, options.MaxPageSize, out var skip, out var take, out var error)) return ApiErrors.BadRequest(error!);
        var history = await catalog.ReadHistory(runtime, key, options.MaxHistoryScan, cancellationToken);
        if (history.Steps.Count == 0 && history.Complete) return ApiErrors.UnknownEntity(runtime, key);
        var items = Enumerable.Range(skip, Math.Max(0, Math.Min(take, history.Steps.Count - skip)))
            .Select(i => HistoryEntry.From(runtime.Projection, history.Steps, i)).ToArray();
        return Results.Ok(new EntityHistoryPage(key, history.Checkpoint?.ToString(), history.Scanned, history.Complete,
            Incomplete(history, options.MaxHistoryScan), history.Steps.Count, skip, take, items));
    }

    /// <summary>The state as of <paramref name="asOfText"/> (the entity endpoint's <c>asOf</c>), as a history entry.</summary>
    public static async Task<IResult> ReadAsOf(IProjectionCatalog catalog, IProjectionRuntime runtime, string key, string asOfText, long maxScanned,
        CancellationToken cancellationToken)
    {
        if (!AsOf.TryParse(asOfText, out var asOf, out var error)) return ApiErrors.BadRequest(error!);
        var history = await catalog.ReadHistory(runtime, key, maxScanned, cancellationToken);
        if (history.Steps.Count == 0 && history.Complete) return ApiErrors.UnknownEntity(runtime, key);
        var index = asOf!.LastStepIndex(history.Steps);
        if (index < 0)
            return TypedResults.Problem($"Projection '{runtime.Name}' had no entity with key '{key}' yet at {asOfText}.",
                statusCode: StatusCodes.Status404NotFound, title: "Not yet created");
        if (index == history.Steps.Count - 1 && !history.Complete)
            return ApiErrors.BadRequest(Incomplete(history, maxScanned)!);
        return Results.Ok(HistoryEntry.From(runtime.Projection, history.Steps, index));
    }

    private static string? Incomplete(EntityHistoryResult history, long maxScanned) => history.Complete ? null :
        $"The history was folded from the first {history.Scanned} events only: the scan stops at {maxScanned} events " +
        $"(Projections:Web:MaxHistoryScan) before the checkpoint {history.Checkpoint}. Later steps are missing.";
}
