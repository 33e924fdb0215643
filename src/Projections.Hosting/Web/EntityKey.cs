using Microsoft.AspNetCore.Http.Features;

namespace Projections.Hosting.Web;

/// <summary>
/// The entity key of a request. In a path (<c>/entities/{key}</c>) the key is one percent-encoded
/// segment; the server leaves an encoded '/' (<c>%2F</c>) undecoded in route values, so the segment is
/// decoded again from the raw request target. The keys '.' and '..' cannot travel in a path at all
/// (browsers and servers remove dot segments), so every key can also be given as <c>?key=</c>
/// (<c>/entity?key=..</c>), which the page uses.
/// </summary>
internal static class EntityKey
{
    /// <param name="http">The request.</param>
    /// <param name="routeKey">The route value.</param>
    /// <param name="segmentsAfter">How many path segments follow the key (0 for <c>/entities/{key}</c>, 1 for <c>/stream</c>).</param>
    public static string FromPath(HttpContext http, string routeKey, int segmentsAfter)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return routeKey;
        var query = raw.IndexOf('?');
        var segments = (query < 0 ? raw : raw[..query]).Split('/');
        var index = segments.Length - 1 - segmentsAfter;
        if (index < 0) return routeKey;
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(segments[index]);
        }
        catch (UriFormatException)
        {
            return routeKey;
        }
        // The raw segment is the key's only when it is the route's segment with '/' still encoded
        // (a request such as /a/./stream was normalized, and its raw segments no longer line up).
        return string.Equals(decoded.Replace("/", "%2F", StringComparison.Ordinal), routeKey, StringComparison.OrdinalIgnoreCase) ? decoded : routeKey;
    }

    /// <summary>The key of <c>?key=</c>: exactly one, possibly empty of nothing but present.</summary>
    public static bool FromQuery(HttpRequest request, out string key, out string? error)
    {
        key = "";
        var values = request.Query["key"];
        if (values.Count != 1 || values[0] is null)
        {
            error = values.Count == 0
                ? "Query parameter 'key' is required: the entity's key, percent-encoded (/entity?key=a%2Fb)."
                : "Query parameter 'key' was given more than once.";
            return false;
        }
        key = values[0]!;
        error = null;
        return true;
    }
}
