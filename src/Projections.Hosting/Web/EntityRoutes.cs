namespace Projections.Hosting.Web;

/// <summary>
/// Maps an entity endpoint twice: with the key in the path (<c>/projections/{name}/entities/{key}{suffix}</c>)
/// and as <c>?key=</c> (<c>/projections/{name}/entity{suffix}</c>), which every key can travel in (see <see cref="EntityKey"/>).
/// </summary>
internal static class EntityRoutes
{
    /// <param name="api">The API route group.</param>
    /// <param name="suffix">What follows the key, e.g. <c>/stream</c>; empty for the entity itself.</param>
    /// <param name="handle">Serves the request for the projection name and the decoded key.</param>
    public static void Map(RouteGroupBuilder api, string suffix, Func<string, string, HttpContext, Task> handle)
    {
        var segmentsAfter = suffix.Count(c => c == '/');
        api.MapGet($"/projections/{{name}}/entities/{{key}}{suffix}", (string name, string key, HttpContext http) =>
            handle(name, EntityKey.FromPath(http, key, segmentsAfter), http));
        api.MapGet($"/projections/{{name}}/entity{suffix}", (string name, HttpContext http) =>
            EntityKey.FromQuery(http.Request, out var key, out var error)
                ? handle(name, key, http)
                : ApiErrors.BadRequest(error!).ExecuteAsync(http));
    }

    /// <summary>As <see cref="Map(RouteGroupBuilder, string, Func{string, string, HttpContext, Task})"/>, for a handler that answers with a result.</summary>
    public static void Map(RouteGroupBuilder api, string suffix, Func<string, string, HttpContext, Task<IResult>> answer) =>
        Map(api, suffix, async (name, key, http) => await (await answer(name, key, http)).ExecuteAsync(http));
}
