using Projections.Hosting.Reconciliation;
using Projections.Hosting.Settings;
using Microsoft.Extensions.Options;

namespace Projections.Hosting.Web;

/// <summary>Projections, their dead letters and rebuild.</summary>
internal static class ProjectionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/projections", (IProjectionCatalog catalog, HttpContext context) =>
            TypedResults.Ok(catalog.Runtimes.Select(r => ProjectionSummary.From(r, Reports(context))).ToArray()));

        api.MapGet("/projections/{name}", (string name, IProjectionCatalog catalog, HttpContext context) =>
            catalog.Find(name) is { } runtime
                ? Results.Ok(ProjectionSummary.From(runtime, Reports(context)))
                : ApiErrors.UnknownProjection(catalog, name));

        api.MapGet("/projections/{name}/dead-letters", async (string name, HttpRequest request, IProjectionCatalog catalog,
            IOptions<WebOptions> options, CancellationToken cancellationToken) =>
        {
            if (catalog.Find(name) is not { } runtime) return ApiErrors.UnknownProjection(catalog, name);
            if (request.Query.Keys.FirstOrDefault(k => k is not ("skip" or "take")) is { } unknown)
                return ApiErrors.BadRequest($"Unknown query parameter '{unknown}'; dead letters take only skip and take.");
            if (!PagingParser.TryRead(request.Query, options.Value.MaxPageSize, out var skip, out var take, out var error))
                return ApiErrors.BadRequest(error!);
            var letters = await runtime.ReadDeadLetters(skip, take, cancellationToken);
            return Results.Ok(letters.Select(DeadLetterSummary.From).ToArray());
        });

        api.MapPost("/projections/{name}/rebuild", async (string name, HttpRequest request, IProjectionCatalog catalog,
            AdminTokenGuard guard, ILoggerFactory loggers, IHostApplicationLifetime lifetime) =>
        {
            if (guard.Refusal(request, out var actor) is { } refusal) return refusal;
            if (catalog.Find(name) is null) return ApiErrors.UnknownProjection(catalog, name);
            try
            {
                // The rebuild outlives this request: only the host stopping may cancel its start.
                await catalog.StartRebuild(name, lifetime.ApplicationStopping);
            }
            catch (InvalidOperationException e)
            {
                return TypedResults.Problem(SecretRedactor.Redact(e.Message), statusCode: StatusCodes.Status409Conflict, title: "Cannot rebuild now");
            }
            loggers.CreateLogger(typeof(ProjectionEndpoints)).LogInformation("{Actor} requested a rebuild of projection {Projection} over HTTP", actor, name);
            return Results.Accepted($"/api/projections/{Uri.EscapeDataString(name)}",
                new { projection = name, message = $"Rebuild of '{name}' started; follow its progress at /api/projections/{name}." });
        });
    }

    /// <summary>The background reconciliation's reports; absent where the API is hosted without the engine's services.</summary>
    private static ReconciliationReports? Reports(HttpContext context) => context.RequestServices.GetService<ReconciliationReports>();
}
