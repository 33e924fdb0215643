using Microsoft.AspNetCore.Server.Kestrel.Core;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Web;

/// <summary>
/// Kestrel's limits for <c>run</c>: the API takes no request bodies and answers small requests, so a
/// client gets little room to hold the server's memory or connections.
/// </summary>
internal static class KestrelLimits
{
    /// <summary>Connections beyond the live streams: pages, API calls and health probes.</summary>
    public const int ConnectionsBesidesStreams = 256;
    /// <summary>No endpoint reads a body; this only leaves room for a stray one.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024;

    public static void Apply(KestrelServerOptions kestrel, HostSettings settings)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxConcurrentConnections = settings.MaxLiveStreams + ConnectionsBesidesStreams;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestBodySize = MaxRequestBodyBytes;
        limits.MaxRequestHeadersTotalSize = 16 * 1024;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
    }
}
