using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Projections.Hosting.Composition;

namespace Projections.Hosting.Progress;

/// <summary>The lines printed once at start: where events come from, where projections go, where the web listens.</summary>
internal sealed class HostBanner(ProjectionsRuntime runtime, IEnumerable<IProgressSource> others, ProjectionsRegistration registration, IServer server)
{
    public IEnumerable<string> Lines()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        yield return $"Events from {runtime.Adapters.Source.Description}";
        yield return $"Projections ({string.Join(", ", runtime.Projections.Select(p => p.Name))}) in {runtime.Adapters.Store.Description}";
        foreach (var line in others.SelectMany(o => o.BannerLines())) yield return line;
        yield return registration.MappedPrefix is { } prefix
            ? $"Web dashboard and API: {string.Join(", ", addresses.Select(a => a.TrimEnd('/') + prefix))}"
            : $"Listening on {string.Join(", ", addresses)} (no dashboard: MapProjections was not called)";
    }
}
