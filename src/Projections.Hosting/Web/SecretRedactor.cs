using System.Text.RegularExpressions;

namespace Projections.Hosting.Web;

/// <summary>
/// Removes credentials that an adapter's exception message might echo (a URI's user info, a
/// connection string's password) before a message reaches the API or the page.
/// </summary>
internal static partial class SecretRedactor
{
    public static string? Redact(string? message) =>
        message is null ? null : PasswordSetting().Replace(UriUserInfo().Replace(message, "$1***@"), "$1=***");

    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")]
    private static partial Regex UriUserInfo();

    [GeneratedRegex(@"\b(password|pwd|user\s*id|uid|username|token|secret|apikey|api_key)\s*=\s*[^;\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordSetting();
}
