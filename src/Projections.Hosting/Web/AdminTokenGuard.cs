using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Projections.Hosting.Web;

/// <summary>
/// Decides whether a state-changing request may proceed: refused (403) when no admin token is
/// configured, 401 without the right <c>Authorization: Bearer</c> token. The comparison takes the same
/// time whatever the token, so it cannot be guessed byte by byte.
/// </summary>
internal sealed class AdminTokenGuard(IOptions<WebOptions> options)
{
    public IResult? Refusal(HttpRequest request) => Refusal(request, out _);

    /// <param name="request">The request whose Authorization header is checked.</param>
    /// <param name="actor">The token's name (<see cref="AdminToken"/>), for the log line of the action.</param>
    public IResult? Refusal(HttpRequest request, out string actor)
    {
        actor = "";
        if (AdminToken.Parse(options.Value.AdminToken) is not { } configured)
            return TypedResults.Problem(
                "State-changing endpoints are disabled because no admin token is configured. " +
                $"Set {WebOptions.Section}:AdminToken and send it as 'Authorization: Bearer <token>'.",
                statusCode: StatusCodes.Status403Forbidden, title: "Disabled");

        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (presented.Length > 0 && SameSecret(presented, configured.Secret))
        {
            actor = configured.Name;
            return null;
        }

        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(
            "This endpoint requires the admin token as 'Authorization: Bearer <token>'; it was missing or wrong.",
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }

    // Hashing first gives both sides the same length, so FixedTimeEquals does not leak the token's length either.
    private static bool SameSecret(string presented, string configured) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
}
