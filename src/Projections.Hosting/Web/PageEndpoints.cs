using System.Reflection;

namespace Projections.Hosting.Web;

/// <summary>
/// Serves the single-page UI from resources embedded in the assembly (wwwroot/*), so it works whatever
/// the working directory and never fetches anything from elsewhere.
/// </summary>
internal static class PageEndpoints
{
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["charts.js"] = "text/javascript; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
    };

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext http) =>
            // The page loads its assets and the API by relative URLs, so under a prefix it must be at "prefix/".
            http.Request.Path.HasValue && !http.Request.Path.Value.EndsWith('/')
                ? Results.Redirect(http.Request.PathBase + http.Request.Path + "/" + http.Request.QueryString)
                : Serve(http, "index.html"));
        foreach (var file in Assets.Keys)
            endpoints.MapGet("/" + file, (HttpContext http) => Serve(http, file));
    }

    private static IResult Serve(HttpContext http, string file)
    {
        var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream($"wwwroot/{file}")
            ?? throw new InvalidOperationException($"The page asset 'wwwroot/{file}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Stream(stream, Assets[file]);
    }
}
