using System.Net;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Commands;

/// <summary>What <c>run</c> warns about at start: a token others can read, and listening beyond loopback unprotected.</summary>
internal static class RunWarnings
{
    public static IEnumerable<string> For(HostSettings settings, IReadOnlyCollection<string> commandLineKeys)
    {
        if (commandLineKeys.Contains(HostOptionCatalog.AdminToken.ConfigKey))
            yield return $"warning: the admin token was given on the command line, where every user of this machine sees it (ps); " +
                $"use {HostOptionCatalog.AdminTokenFile.Display} instead.";
        var exposed = settings.Urls.Where(u => !IsLoopback(AllowedHostNames.HostOf(u))).ToList();
        if (exposed.Count == 0) yield break;
        if (settings.AdminToken is null)
            yield return $"warning: listening beyond loopback ({string.Join(", ", exposed)}) without an admin token: anyone who reaches it reads " +
                "every entity, dead letter and stream; put it behind a proxy that authenticates users (README, Security).";
        else if (exposed.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) is { } plain)
            yield return $"warning: listening beyond loopback over plain HTTP ({plain}) with an admin token: the token crosses the network " +
                "in clear text; terminate TLS in front of it or use an https:// address (README, Security).";
    }

    private static bool IsLoopback(string? host) =>
        host is not null && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
                             (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
