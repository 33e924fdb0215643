namespace Projections.Host.Web;

// Placeholder so the composition root compiles until the web branch replaces this file.
public static class WebExtensions
{
    public static IServiceCollection AddProjectionsWeb(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapProjectionsWeb(this IEndpointRouteBuilder app) => app;
}
