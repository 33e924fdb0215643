using Microsoft.AspNetCore.Http.HttpResults;
using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>Error responses as RFC 7807 problem details whose <c>detail</c> says what was wrong.</summary>
internal static class ApiErrors
{
    public static ProblemHttpResult UnknownProjection(IProjectionCatalog catalog, string name) => TypedResults.Problem(
        $"No projection named '{name}'. Known projections: {string.Join(", ", catalog.Runtimes.Select(r => r.Name))}.",
        statusCode: StatusCodes.Status404NotFound, title: "Unknown projection");

    public static ProblemHttpResult UnknownEntity(IProjectionRuntime runtime, string key) => TypedResults.Problem(
        $"Projection '{runtime.Name}' has no entity with key '{key}', neither in memory nor in the store.",
        statusCode: StatusCodes.Status404NotFound, title: "Unknown entity");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Projection unavailable");

    public static ProblemHttpResult TooManyStreams(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many live streams");

    public static ProblemHttpResult TooManyScans(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many entity scans");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
}
