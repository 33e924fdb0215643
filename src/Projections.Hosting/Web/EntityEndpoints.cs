using Microsoft.Extensions.Options;
using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>Browsing live entities and reading one, live or as persisted.</summary>
internal static class EntityEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/projections/{name}/entities", async (string name, HttpRequest request, IProjectionCatalog catalog, IOptions<WebOptions> options,
            EntityScanGate scans, CancellationToken cancellationToken) =>
        {
            if (catalog.Find(name) is not { } runtime) return ApiErrors.UnknownProjection(catalog, name);
            if (!EntityQueryParser.TryParse(request.Query, runtime.Projection, options.Value.MaxPageSize, out var query, out var error))
                return ApiErrors.BadRequest(error!);
            string? refusal = null;
            using var lease = query.Scans ? scans.TryEnter(out refusal) : null;
            if (refusal is not null)
            {
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return ApiErrors.TooManyScans(refusal);
            }
            var page = runtime.Query(query);
            return Results.Ok(new EntityPageResult(page.Total, query.Skip, query.Take,
                page.Items.Select(e => EntitySummary.From(runtime.Projection, e)).ToArray(),
                await FindStored(runtime, query, cancellationToken),
                query.After, page.Items.Count == query.Take ? page.Items[^1].Key : null));
        });

        EntityRoutes.Map(api, "", (name, key, http) => Detail(name, key, http.Request, http.RequestServices.GetRequiredService<IProjectionCatalog>(),
            http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value, http.RequestAborted));
    }

    private static async Task<IResult> Detail(string name, string key, HttpRequest request, IProjectionCatalog catalog, WebOptions options,
        CancellationToken cancellationToken)
    {
        if (catalog.Find(name) is not { } runtime) return ApiErrors.UnknownProjection(catalog, name);
        if (request.Query.TryGetValue("asOf", out var asOf))
        {
            if (!PagingParser.TrySingle(asOf, "asOf", out var text, out var asOfError)) return ApiErrors.BadRequest(asOfError!);
            return await EntityHistoryEndpoints.ReadAsOf(catalog, runtime, key, text, options.MaxHistoryScan, cancellationToken);
        }
        var source = request.Query["source"].ToString();
        if (source is not ("" or "live" or "store"))
            return ApiErrors.BadRequest($"Query parameter 'source' must be 'live' or 'store'; got '{source}'.");
        var detail = source == "store"
            ? await ReadPersisted(runtime, key, cancellationToken)
            : await ReadCurrent(runtime, key, cancellationToken);
        // A key of a shard another host writes is answered from the store; the answer names that host for the live state.
        if (detail is { Source: "store" } && runtime.ShardOf(key) is { Here: false } shard)
            detail = detail with { ServedBy = new ShardOwnerSummary(shard.Shard, shard.Owner, shard.OwnerAddress) };
        return detail is null ? ApiErrors.UnknownEntity(runtime, key) : Results.Ok(detail);
    }

    public static async Task<EntityDetail?> ReadPersisted(IProjectionRuntime runtime, string key, CancellationToken cancellationToken) =>
        await runtime.LoadPersisted(key, cancellationToken) is { } document
            ? EntityDetail.FromStore(runtime.Projection, document, live: runtime.GetLive(key) is not null)
            : null;

    /// <summary>
    /// Memory holds only live aggregates; a retired (or evicted) one is in the store alone. The store is
    /// searched by the exact key (stores index keys, not substrings), and the document must pass the field filters too.
    /// </summary>
    private static async Task<StoredEntitySummary?> FindStored(IProjectionRuntime runtime, EntityQuery query, CancellationToken cancellationToken)
    {
        if (query.KeyContains is not { } key || runtime.GetLive(key) is not null) return null;
        if (await runtime.LoadPersisted(key, cancellationToken) is not { } document) return null;
        var state = runtime.Projection.DeserializeState(document.StateJson);
        var found = StoredEntitySummary.From(runtime.Projection, document, state);
        return query.FieldEquals.All(f => string.Equals(found.Fields.GetValueOrDefault(f.Key), f.Value, StringComparison.OrdinalIgnoreCase)) ? found : null;
    }

    /// <summary>The live state; the persisted document when the aggregate is not in memory (evicted).</summary>
    public static async Task<EntityDetail?> ReadCurrent(IProjectionRuntime runtime, string key, CancellationToken cancellationToken) =>
        runtime.GetLive(key) is { } live
            ? EntityDetail.FromLive(runtime.Projection, live)
            : await ReadPersisted(runtime, key, cancellationToken);
}
