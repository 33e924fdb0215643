namespace Projections.Hosting.Settings;

/// <summary>
/// The Host header names <c>run</c> answers. A page on any site can rebind its own name to 127.0.0.1;
/// the browser then sends that name as Host, so answering only names the operator uses defeats it.
/// </summary>
public static class AllowedHostNames
{
    private static readonly string[] Loopback = ["localhost", "127.0.0.1", "[::1]"];
    private static readonly string[] AnyAddress = ["*", "+", "0.0.0.0", "[::]"];

    /// <summary>Loopback names plus every concrete host named in <paramref name="urls"/> (wildcard binds add nothing).</summary>
    public static IReadOnlyList<string> Default(IEnumerable<string> urls) =>
        [.. Loopback.Concat(urls.Select(HostOf).Where(h => h is not null && !AnyAddress.Contains(h)).Select(h => h!))
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>A ';'-separated list of host names (no scheme, no port); * allows any.</summary>
    public static IReadOnlyList<string> Parse(HostOption option, string value)
    {
        var hosts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var host in hosts)
        {
            if (host == "*") continue;
            var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (name.Contains("://", StringComparison.Ordinal) || Uri.CheckHostName(name.Trim('[', ']')) == UriHostNameType.Unknown)
                throw ValueParsers.Invalid(option, value, "expected host names separated by ';' without scheme or port, such as localhost;plant.example.com");
        }
        return hosts.Length > 0 ? hosts : throw ValueParsers.Invalid(option, value, "expected at least one host name");
    }

    /// <summary>The host of a URL as written (brackets kept for IPv6), or null.</summary>
    internal static string? HostOf(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0) return null;
        var authority = url[(start + 3)..].TrimEnd('/');
        if (authority.StartsWith('[')) return authority[..(authority.IndexOf(']') + 1)];
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }
}
