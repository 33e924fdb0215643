using Projections.Core.Ports;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>A running host with the plant projections over SQLite, reachable on loopback.</summary>
public interface IPlantHost : IAsyncDisposable
{
    Uri BaseAddress { get; }
    HttpClient Http { get; }
    /// <summary>The host's event store, to append events as the plant would.</summary>
    IEventStore Events { get; }
    PlantEvents Plant { get; }
}
