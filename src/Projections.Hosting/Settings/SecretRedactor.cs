using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Projections.Hosting.Settings;

/// <summary>
/// The one place credentials are removed from text that is printed or served: connection strings in
/// messages and the messages adapters throw (which may echo them).
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>
    /// Replaces a URI's user info with "***" up to the <em>last</em> '@' of its token (a malformed password
    /// may itself contain '@' or '/') and the value of every password-like setting or query parameter.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Redact(string? text) =>
        text is null ? null : SecretSetting().Replace(UserInfo().Replace(text, "${scheme}***@"), "${name}=***");

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^\s'""]*@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"\b(?<name>password|pwd|user\s*id|uid|username|token|secret|apikey|api_key)\s*=[^&;\s'""]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSetting();
}
