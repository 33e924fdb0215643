using Projections.EventStoreDb.Hosting;

// In the builder's namespace, so AddProjections(...).UseEventStoreDb() needs no extra using.
namespace Projections.Hosting;

/// <summary>Adds EventStoreDB as the event source of a Projections host.</summary>
public static class EventStoreDbProjectionsBuilderExtensions
{
    /// <summary>
    /// Reads events from EventStoreDB (and appends there). The connection string comes from
    /// <c>--eventstore</c> / <c>Projections:EventStore</c> / <c>PROJECTIONS__EVENTSTORE</c>, else
    /// <paramref name="connectionString"/>; with neither, the embedded SQLite event store is used.
    /// </summary>
    public static ProjectionsBuilder UseEventStoreDb(this ProjectionsBuilder builder, string? connectionString = null) =>
        builder.UseEventSource(new EventStoreDbSourceProvider(connectionString));
}
