using System.Globalization;

namespace Projections.EventStoreDb.Connection;

/// <summary>
/// Parses the official client grammar:
/// <c>esdb[+discover]://[user:password@]host[:port][,host[:port]...][/][?key=value&amp;...]</c>.
/// Keys are case-insensitive; unknown keys are an error.
/// </summary>
public static class ConnectionStringParser
{
    private static readonly string[] Schemes = ["esdb", "esdb+discover", "kurrentdb", "kurrentdb+discover", "kurrent", "kurrent+discover", "kdb", "kdb+discover"];

    public static EventStoreDbSettings Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidConnectionStringException("it is empty; expected esdb://host:2113?tls=false or similar.");

        var schemeEnd = connectionString.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            throw new InvalidConnectionStringException($"missing scheme in '{Redact(connectionString)}'; expected it to start with esdb:// or esdb+discover://.");
        var scheme = connectionString[..schemeEnd].ToLowerInvariant();
        if (!Schemes.Contains(scheme))
            throw new InvalidConnectionStringException($"unknown scheme '{scheme}'; expected one of {string.Join(", ", Schemes.Select(s => s + "://"))}.");

        var rest = connectionString[(schemeEnd + 3)..];
        var queryStart = rest.IndexOf('?');
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        var authority = queryStart >= 0 ? rest[..queryStart] : rest;

        var slash = authority.IndexOf('/');
        if (slash >= 0)
        {
            if (slash != authority.Length - 1)
                throw new InvalidConnectionStringException($"unexpected path '{authority[slash..]}'; only an empty path or '/' is allowed.");
            authority = authority[..slash];
        }

        UserCredentials? credentials = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            credentials = ParseCredentials(authority[..at]);
            authority = authority[(at + 1)..];
        }

        var hosts = ParseHosts(authority);
        var settings = new EventStoreDbSettings
        {
            Hosts = hosts,
            Credentials = credentials,
            UseDiscovery = scheme.EndsWith("+discover", StringComparison.Ordinal) || hosts.Count > 1,
        };
        return ApplyOptions(settings, query);
    }

    private static UserCredentials ParseCredentials(string userInfo)
    {
        var colon = userInfo.IndexOf(':');
        if (colon <= 0)
            throw new InvalidConnectionStringException("user info must be 'user:password@' (the username or the ':password' part is missing).");
        var user = Uri.UnescapeDataString(userInfo[..colon]);
        var password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (password.Length == 0)
            throw new InvalidConnectionStringException($"the password for user '{user}' is empty.");
        return new UserCredentials(user, password);
    }

    private static List<EndPointAddress> ParseHosts(string authority)
    {
        if (authority.Length == 0)
            throw new InvalidConnectionStringException("no host given; expected host[:port] after the scheme.");
        var hosts = new List<EndPointAddress>();
        foreach (var part in authority.Split(','))
        {
            if (part.Length == 0)
                throw new InvalidConnectionStringException($"empty host in the host list '{authority}'.");
            hosts.Add(ParseHost(part));
        }
        return hosts;
    }

    private static EndPointAddress ParseHost(string part)
    {
        string host;
        string? portText = null;
        if (part.StartsWith('['))
        {
            var close = part.IndexOf(']');
            if (close < 0) throw new InvalidConnectionStringException($"host '{part}' has an unclosed '['.");
            host = part[1..close];
            var after = part[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw new InvalidConnectionStringException($"unexpected '{after}' after host '{host}'.");
                portText = after[1..];
            }
        }
        else
        {
            var colon = part.IndexOf(':');
            host = colon >= 0 ? part[..colon] : part;
            portText = colon >= 0 ? part[(colon + 1)..] : null;
        }

        if (host.Length == 0) throw new InvalidConnectionStringException($"host '{part}' has no host name.");
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            throw new InvalidConnectionStringException($"'{host}' is not a valid host name.");
        var port = EventStoreDbSettings.DefaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new InvalidConnectionStringException($"port '{portText}' of host '{host}' is not a number from 1 to 65535.");
        return new EndPointAddress(host, port);
    }

    private static EventStoreDbSettings ApplyOptions(EventStoreDbSettings settings, string query)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new InvalidConnectionStringException($"option '{pair}' must be key=value.");
            var key = pair[..eq];
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!seen.Add(key))
                throw new InvalidConnectionStringException($"option '{key}' is given more than once.");
            settings = ApplyOption(settings, key, value);
        }
        if ((settings.UserCertFile is null) != (settings.UserKeyFile is null))
            throw new InvalidConnectionStringException("userCertFile and userKeyFile must be given together.");
        return settings;
    }

    private static EventStoreDbSettings ApplyOption(EventStoreDbSettings s, string key, string value) => key.ToLowerInvariant() switch
    {
        "tls" => s with { Tls = Bool(key, value) },
        "tlsverifycert" => s with { TlsVerifyCert = Bool(key, value) },
        "tlscafile" => s with { TlsCaFile = NonEmpty(key, value) },
        "usercertfile" => s with { UserCertFile = NonEmpty(key, value) },
        "userkeyfile" => s with { UserKeyFile = NonEmpty(key, value) },
        "connectionname" => s with { ConnectionName = NonEmpty(key, value) },
        "nodepreference" => s with { NodePreference = Preference(key, value) },
        "maxdiscoverattempts" => s with { MaxDiscoverAttempts = PositiveInt(key, value) },
        "discoveryinterval" => s with { DiscoveryInterval = Milliseconds(key, value, allowInfinite: false) },
        "gossiptimeout" => s with { GossipTimeout = Milliseconds(key, value, allowInfinite: false) },
        "defaultdeadline" => s with { DefaultDeadline = Milliseconds(key, value, allowInfinite: true) is var d && d == Timeout.InfiniteTimeSpan ? null : d },
        "keepaliveinterval" => s with { KeepAliveInterval = Milliseconds(key, value, allowInfinite: true) },
        "keepalivetimeout" => s with { KeepAliveTimeout = Milliseconds(key, value, allowInfinite: true) },
        "throwonappendfailure" => s with { ThrowOnAppendFailure = Bool(key, value) },
        _ => throw new InvalidConnectionStringException(
            $"unknown option '{key}'. Known options: tls, tlsVerifyCert, tlsCaFile, userCertFile, userKeyFile, connectionName, nodePreference, maxDiscoverAttempts, discoveryInterval, gossipTimeout, defaultDeadline, keepAliveInterval, keepAliveTimeout, throwOnAppendFailure."),
    };

    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new InvalidConnectionStringException($"option '{key}' must be true or false, not '{value}'."),
    };

    private static string NonEmpty(string key, string value) =>
        value.Length > 0 ? value : throw new InvalidConnectionStringException($"option '{key}' has an empty value.");

    private static int PositiveInt(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InvalidConnectionStringException($"option '{key}' must be a positive whole number, not '{value}'.");

    private static TimeSpan Milliseconds(string key, string value, bool allowInfinite)
    {
        if (allowInfinite && value == "-1") return Timeout.InfiniteTimeSpan;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0)
            return TimeSpan.FromMilliseconds(ms);
        var allowed = allowInfinite ? "a positive number of milliseconds or -1 (infinite)" : "a positive number of milliseconds";
        throw new InvalidConnectionStringException($"option '{key}' must be {allowed}, not '{value}'.");
    }

    private static NodePreference Preference(string key, string value) => value.ToLowerInvariant() switch
    {
        "leader" => NodePreference.Leader,
        "follower" => NodePreference.Follower,
        "random" => NodePreference.Random,
        "readonlyreplica" => NodePreference.ReadOnlyReplica,
        _ => throw new InvalidConnectionStringException($"option '{key}' must be leader, follower, random or readOnlyReplica, not '{value}'."),
    };

    /// <summary>Hides the password when echoing a connection string back in an error.</summary>
    internal static string Redact(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0) return text;
        var start = text.IndexOf("://", StringComparison.Ordinal);
        var userStart = start >= 0 ? start + 3 : 0;
        var colon = text.IndexOf(':', userStart);
        return colon >= 0 && colon < at ? text[..(colon + 1)] + "***" + text[at..] : text;
    }
}
