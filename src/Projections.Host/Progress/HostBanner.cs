using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Projections.Host.Progress;

/// <summary>The lines printed once at start: where events come from, where projections go, where the web listens.</summary>
public sealed class HostBanner(string eventSource, string projectionStore, IReadOnlyList<string> projections, bool simulating, IServer server)
{
    public IEnumerable<string> Lines()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        yield return $"Events from {eventSource}";
        yield return $"Projections ({string.Join(", ", projections)}) in {projectionStore}";
        if (simulating) yield return "Simulating the plant workload in-process (--no-simulate turns it off)";
        yield return $"Web dashboard and API: {string.Join(", ", addresses)}";
    }
}
