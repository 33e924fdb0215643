namespace Projections.Hosting.Settings;

/// <summary>
/// First-line checks of connection strings, before any adapter sees them, and the credential-free form
/// used in every message. The adapters validate the details further; their errors are wrapped the same way.
/// </summary>
public static class ConnectionStrings
{
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

        var redacted = SecretRedactor.Redact(trimmed);
        var rest = trimmed[scheme.Length..];
        // The user info ends at the last '@': a malformed password may contain '@' or '/'.
        var hostsAndPath = rest[(rest.LastIndexOf('@') + 1)..];
        var hosts = hostsAndPath[..IndexOfAny(hostsAndPath, '/', '?')].Split(',');
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
}
