namespace Projections.Hosting.Web;

/// <summary><c>/api/hosts</c>: every host sharing the store, which of them writes each projection, and which one answered.</summary>
internal static class HostEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/hosts", async (IProjectionCatalog catalog, CancellationToken cancellationToken) =>
        {
            var thisHost = catalog.HostId;
            var hosts = await catalog.ReadHosts(cancellationToken);
            return TypedResults.Ok(new HostsResponse(thisHost, hosts.Select(h => HostSummary.From(h, thisHost)).ToArray()));
        });
}
