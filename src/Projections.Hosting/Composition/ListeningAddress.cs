using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Projections.Hosting.Composition;

/// <summary>
/// Where this host's API and dashboard answer, as the store's host registry shows it: the addresses the
/// web server bound (known once it listens; port 0 is resolved by then) with the MapProjections prefix.
/// Null in a host without a web server or before it listens.
/// </summary>
internal static class ListeningAddress
{
    public static string? Of(IServiceProvider services)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0 || addresses.Any(a => a.EndsWith(":0", StringComparison.Ordinal))) return null;
        var prefix = services.GetService<ProjectionsRegistration>()?.MappedPrefix ?? "";
        return string.Join(", ", addresses.Select(a => a.TrimEnd('/') + prefix));
    }
}
