using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>A projection that is starting or failed before serving answers 503 with a problem body, not 500 with a stack.</summary>
internal static class UnavailableProjectionFilter
{
    public static async ValueTask<object?> Invoke(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ProjectionUnavailableException e) when (!context.HttpContext.Response.HasStarted)
        {
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return ApiErrors.Unavailable(e.Message);
        }
    }
}
