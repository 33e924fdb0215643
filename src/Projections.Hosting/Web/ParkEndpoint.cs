using Projections.Hosting.Settings;
using Projections.Core.Events;

namespace Projections.Hosting.Web;

/// <summary>
/// <c>POST /api/projections/{name}/park-and-continue?position=P</c>: for a projection stopped on a
/// poison event or timer, parks it (the dead letter is written with the checkpoint that passes it) and
/// restarts the projection after it. Needs the admin token; the action is logged with the token's name.
/// <c>position</c> (optional) is the position the operator saw; a projection stopped elsewhere is refused.
/// </summary>
internal static class ParkEndpoint
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/projections/{name}/park-and-continue", async (string name, HttpRequest request, IProjectionCatalog catalog,
            AdminTokenGuard guard, ILoggerFactory loggers, IHostApplicationLifetime lifetime) =>
        {
            if (guard.Refusal(request, out var actor) is { } refusal) return refusal;
            if (catalog.Find(name) is not { } runtime) return ApiErrors.UnknownProjection(catalog, name);
            GlobalPosition? expected = null;
            if (request.Query.TryGetValue("position", out var raw))
            {
                if (!PositionText.TryParse(raw.ToString(), out var position))
                    return ApiErrors.BadRequest($"Query parameter 'position' must be a position such as 4711 or 4711/4700, was '{raw}'.");
                expected = position;
            }
            string parked;
            try
            {
                // The restart outlives this request: only the host stopping may cancel it.
                parked = await runtime.ParkAndContinue(actor, expected, lifetime.ApplicationStopping);
            }
            catch (InvalidOperationException e)
            {
                return TypedResults.Problem(SecretRedactor.Redact(e.Message), statusCode: StatusCodes.Status409Conflict, title: "Nothing parked");
            }
            loggers.CreateLogger(typeof(ParkEndpoint)).LogWarning("{Actor} parked {What} of projection {Projection} over HTTP and restarted it", actor, parked, name);
            return Results.Ok(new { projection = name, parked, by = actor, message = $"Parked {parked}; '{name}' continues after it." });
        });
    }
}
