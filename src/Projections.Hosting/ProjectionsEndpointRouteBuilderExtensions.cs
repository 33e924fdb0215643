using Projections.Hosting.Web;

namespace Projections.Hosting;

/// <summary>Adds the projections' HTTP API, health checks, metrics and dashboard to an ASP.NET Core application.</summary>
public static class ProjectionsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the API (<c>{prefix}/api/projections...</c>), <c>{prefix}/health/live</c>,
    /// <c>{prefix}/health/ready</c>, <c>{prefix}/metrics</c> and the dashboard at <c>{prefix}/</c>.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">A path such as <c>/projections</c>; empty maps at the root.</param>
    public static IEndpointConventionBuilder MapProjections(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var normalized = "/" + prefix.Trim().Trim('/');
        if (normalized == "/") normalized = "";
        if (endpoints.ServiceProvider.GetService<ProjectionsRegistration>() is { } registration) registration.MappedPrefix = normalized;
        return endpoints.MapProjectionsWeb(normalized);
    }
}
