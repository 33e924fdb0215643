using System.Text.RegularExpressions;

namespace Projections.Hosting.Settings;

/// <summary>
/// First-line checks of connection strings, before any adapter sees them, and the credential-free form
/// used in every message. The adapters validate the details further; their errors are wrapped the same way.
/// </summary>
public static partial class ConnectionStrings
{
    /// <summary>Replaces the user-info part (user:password@) and any password-like query parameter with "***".</summary>
    public static string Redact(string connectionString)
    {
        var withoutUser = UserInfo().Replace(connectionString, "${scheme}***@");
        return SecretParameter().Replace(withoutUser, "${name}=***");
    }

    /// <summary>
    /// Checks that <paramref name="value"/> starts with one of <paramref name="schemes"/> and names valid
    /// hosts; a failure is one line naming <paramref name="option"/>, without credentials.
    /// </summary>
    public static ConnectionSetting Check(HostOption option, string value, string[] schemes, string expectation)
    {
        var trimmed = value.Trim();
        var scheme = schemes.FirstOrDefault(s => trimmed.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        if (scheme is null)
            throw new HostUserException($"Invalid value for {option.Display}: expected {expectation} (it must start with {string.Join(" or ", schemes)}).");

        var redacted = Redact(trimmed);
        var rest = trimmed[scheme.Length..];
        var authority = rest[..IndexOfAny(rest, '/', '?')];
        var hosts = authority[(authority.LastIndexOf('@') + 1)..].Split(',');
        foreach (var host in hosts)
        {
            if (!IsHostAndPort(host))
                throw new HostUserException($"Invalid value '{redacted}' for {option.Display}: '{host}' is not a host or host:port; expected {expectation}.");
        }
        return new ConnectionSetting(trimmed, redacted);
    }

    private static bool IsHostAndPort(string host)
    {
        if (host.Length == 0) return false;
        var colon = host.LastIndexOf(':');
        var name = colon < 0 || host.EndsWith(']') ? host : host[..colon];
        if (colon >= 0 && !host.EndsWith(']'))
        {
            var port = host[(colon + 1)..];
            if (!int.TryParse(port, out var p) || p is < 1 or > 65535) return false;
        }
        return name.Length > 0 && Uri.CheckHostName(name.Trim('[', ']')) != UriHostNameType.Unknown;
    }

    private static int IndexOfAny(string s, char a, char b)
    {
        var i = s.IndexOfAny([a, b]);
        return i < 0 ? s.Length : i;
    }

    [GeneratedRegex(@"(?<scheme>^[a-z+]+://)[^@/?]*@", RegexOptions.IgnoreCase)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<name>password|pwd|secret|token)=[^&;]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();
}
