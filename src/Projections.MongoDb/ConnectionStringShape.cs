using System.Text.RegularExpressions;

namespace Projections.MongoDb;

/// <summary>
/// The parts of a MongoDB connection string, checked one by one so a malformed string gets an error
/// naming the bad part. The driver's own parser only says "not valid". Messages never contain the
/// user info (user name and password) or option values.
/// </summary>
internal sealed partial record ConnectionStringShape(
    bool IsSrv,
    string? Password,
    IReadOnlyList<string> Hosts,
    string? Database,
    IReadOnlyList<string> OptionNames)
{
    public static ConnectionStringShape Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw Bad("is empty; expected mongodb://host:27017 or mongodb+srv://cluster.example.net");

        var text = connectionString.Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            throw Bad("has no scheme; it must start with mongodb:// or mongodb+srv://");
        var scheme = text[..schemeEnd];
        if (scheme is not ("mongodb" or "mongodb+srv"))
            throw Bad(SchemeLooksSafe().IsMatch(scheme)
                ? $"has the scheme '{scheme}://'; it must start with mongodb:// or mongodb+srv://"
                : "must start with mongodb:// or mongodb+srv://");
        var isSrv = scheme == "mongodb+srv";

        var rest = text[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOfAny(['/', '?']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var afterAuthority = authorityEnd < 0 ? "" : rest[authorityEnd..];

        string? password = null;
        var hostsText = authority;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            hostsText = authority[(at + 1)..];
            if (userInfo.Contains('@'))
                throw Bad("has an unescaped '@' in the user name or password; percent-encode it as %40");
            var colon = userInfo.IndexOf(':');
            var user = colon < 0 ? userInfo : userInfo[..colon];
            if (user.Length == 0)
                throw Bad("has an empty user name before '@'");
            if (colon >= 0)
            {
                password = userInfo[(colon + 1)..];
                if (password.Contains(':'))
                    throw Bad("has an unescaped ':' in the password; percent-encode it as %3A");
            }
            if (HasInvalidPercentEscape(userInfo))
                throw Bad("has an invalid '%' escape in the user name or password");
            password = password is null ? null : SafeUnescape(password);
        }

        var queryStart = afterAuthority.IndexOf('?');
        var path = queryStart < 0 ? afterAuthority : afterAuthority[..queryStart];
        var query = queryStart < 0 ? "" : afterAuthority[(queryStart + 1)..];
        if (at < 0 && path.Contains('@'))
            throw Bad("has user info after a '/'; percent-encode a '/' in the user name or password as %2F");

        var hosts = ParseHosts(hostsText, isSrv);
        var database = ParseDatabase(path);
        var optionNames = ParseOptionNames(query, password);
        return new ConnectionStringShape(isSrv, password, hosts, database, optionNames);
    }

    /// <summary>Removes the password (raw and percent-decoded) from a message that may echo it.</summary>
    public string Redact(string message)
    {
        if (string.IsNullOrEmpty(Password)) return message;
        var redacted = message.Replace(Password, "****", StringComparison.Ordinal);
        var escaped = Uri.EscapeDataString(Password);
        return redacted.Replace(escaped, "****", StringComparison.Ordinal);
    }

    public bool HasOption(string name) => OptionNames.Any(o => string.Equals(o, name, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<string> ParseHosts(string hostsText, bool isSrv)
    {
        if (hostsText.Length == 0)
            throw Bad("names no host; expected mongodb://host:27017");
        var hosts = hostsText.Split(',');
        if (isSrv && hosts.Length > 1)
            throw Bad("lists several hosts; mongodb+srv:// takes exactly one DNS name");
        foreach (var host in hosts) CheckHost(host, isSrv);
        return hosts;
    }

    private static void CheckHost(string host, bool isSrv)
    {
        if (host.Length == 0)
            throw Bad("has an empty entry in its host list");
        string name;
        string? port;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 0) throw Bad($"has the host '{host}' with an unclosed '[' (IPv6 addresses are written [::1]:27017)");
            name = host[1..close];
            var tail = host[(close + 1)..];
            if (tail.Length > 0 && !tail.StartsWith(':')) throw Bad($"has the host '{host}' with text after ']'");
            port = tail.Length > 0 ? tail[1..] : null;
        }
        else
        {
            var colon = host.LastIndexOf(':');
            name = colon < 0 ? host : host[..colon];
            port = colon < 0 ? null : host[(colon + 1)..];
        }
        var valid = host.StartsWith('[')
            ? System.Net.IPAddress.TryParse(name, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : name.Length > 0 && HostNameChars().IsMatch(name);
        if (!valid)
            throw Bad($"has an invalid host name '{name}'");
        if (port is null) return;
        if (isSrv)
            throw Bad($"gives a port for the host '{name}'; mongodb+srv:// takes a DNS name without a port");
        if (!int.TryParse(port, System.Globalization.NumberStyles.None, null, out var number) || number is < 1 or > 65535)
            throw Bad($"has the port '{port}' for the host '{name}'; expected a number from 1 to 65535");
    }

    private static string? ParseDatabase(string path)
    {
        if (path.Length <= 1) return null;
        var database = path[1..];
        if (database.Contains('/'))
            throw Bad($"has a path with several segments after the hosts; only one database name may follow the '/'");
        if (HasInvalidPercentEscape(database))
            throw Bad("has an invalid '%' escape in the database name");
        return Uri.UnescapeDataString(database);
    }

    private static IReadOnlyList<string> ParseOptionNames(string query, string? password)
    {
        if (query.Length == 0) return [];
        var names = new List<string>();
        foreach (var option in query.Split('&', ';'))
        {
            var equals = option.IndexOf('=');
            if (equals <= 0)
                throw Bad(option.Length == 0
                    ? "has an empty option (two '&' in a row or a trailing '&')"
                    : $"has the option '{OptionNameOf(option, password)}' without a value; options are written name=value");
            var name = option[..equals];
            if (equals == option.Length - 1)
                throw Bad($"has the option '{name}' without a value; options are written name=value");
            if (HasInvalidPercentEscape(option))
                throw Bad($"has an invalid '%' escape in the option '{name}'");
            names.Add(name);
        }
        return names;
    }

    // An option without '=' could be a pasted secret: only show it when it looks like an option name.
    private static string OptionNameOf(string option, string? password) =>
        OptionNameChars().IsMatch(option) && (string.IsNullOrEmpty(password) || !option.Contains(password, StringComparison.Ordinal)) ? option : "(hidden)";

    private static bool HasInvalidPercentEscape(string text) => InvalidPercent().IsMatch(text);

    private static string SafeUnescape(string text) => Uri.UnescapeDataString(text);

    private static MongoStoreConfigurationException Bad(string what) => new($"The MongoDB connection string {what}.");

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]{0,20}$")]
    private static partial Regex SchemeLooksSafe();

    [GeneratedRegex(@"^[A-Za-z0-9._~%\-]+$")]
    private static partial Regex HostNameChars();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,40}$")]
    private static partial Regex OptionNameChars();

    [GeneratedRegex("%$|%.$|%[^0-9a-fA-F]|%[0-9a-fA-F][^0-9a-fA-F]")]
    private static partial Regex InvalidPercent();
}
