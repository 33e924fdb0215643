using Microsoft.Extensions.Options;
using Projections.Core.Runtime;
using Projections.Hosting.Preview;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Web;

/// <summary>
/// A rebuild preview (design.md "Preview generations"): <c>GET .../diff</c> compares it with the active
/// generation; <c>POST .../switch</c> and <c>POST .../discard</c> (admin token) activate or drop it.
/// A missing preview, or a switch before it caught up, is 409 with one line saying why.
/// </summary>
internal static class PreviewEndpoints
{
    private static readonly string[] DiffParameters = ["key", "field", "skip", "take"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/projections/{name}/diff", async (string name, HttpRequest request, IProjectionCatalog catalog,
            IOptions<WebOptions> options, CancellationToken cancellationToken) =>
        {
            if (catalog.Find(name) is null) return ApiErrors.UnknownProjection(catalog, name);
            if (request.Query.Keys.FirstOrDefault(k => !DiffParameters.Contains(k)) is { } unknown)
                return ApiErrors.BadRequest($"Unknown query parameter '{unknown}'; diff takes key, field, skip and take.");
            if (!PagingParser.TryRead(request.Query, options.Value.MaxPageSize, out var skip, out var take, out var error))
                return ApiErrors.BadRequest(error!);
            try
            {
                var query = new DiffQuery(NonEmpty(request.Query["key"]), NonEmpty(request.Query["field"]), skip, take);
                return Results.Ok(await catalog.Diff(name, query, cancellationToken));
            }
            catch (PreviewRefusedException e) { return Refused(e, "No preview to compare"); }
        });

        MapAction(api, "switch", "Cannot switch", async (catalog, name, ct) =>
            $"Generation {await catalog.SwitchPreview(name, ct)} of '{name}' is active; the old generation was dropped.");
        MapAction(api, "discard", "Nothing to discard", async (catalog, name, ct) =>
            $"The preview of '{name}' (generation {await catalog.DiscardPreview(name, ct)}) was dropped; the active generation keeps serving.");
    }

    private static void MapAction(RouteGroupBuilder api, string verb, string refusedTitle, Func<IProjectionCatalog, string, CancellationToken, Task<string>> act) =>
        api.MapPost($"/projections/{{name}}/{verb}", async (string name, HttpRequest request, IProjectionCatalog catalog,
            AdminTokenGuard guard, ILoggerFactory loggers, IHostApplicationLifetime lifetime) =>
        {
            if (guard.Refusal(request, out var actor) is { } refusal) return refusal;
            if (catalog.Find(name) is null) return ApiErrors.UnknownProjection(catalog, name);
            string message;
            try
            {
                // The store change outlives this request: only the host stopping may cancel it.
                message = await act(catalog, name, lifetime.ApplicationStopping);
            }
            catch (PreviewRefusedException e) { return Refused(e, refusedTitle); }
            loggers.CreateLogger(typeof(PreviewEndpoints)).LogInformation("{Actor} requested {Verb} of the preview of projection {Projection} over HTTP", actor, verb, name);
            return Results.Ok(new { projection = name, message });
        });

    private static IResult Refused(PreviewRefusedException e, string title) =>
        TypedResults.Problem(SecretRedactor.Redact(e.Message), statusCode: StatusCodes.Status409Conflict, title: title);

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
}
