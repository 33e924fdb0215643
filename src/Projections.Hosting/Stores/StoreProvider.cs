using Projections.Core.Ports;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Stores;

/// <summary>
/// What a store package gives the host: the option whose value (a connection string) selects the store,
/// any further options it reads, and how to check the value. Registered with
/// <see cref="ProjectionsBuilder.UseEventSource"/> or <see cref="ProjectionsBuilder.UseProjectionStore"/>;
/// the store is used when its option has a value (from code, configuration or the command line),
/// otherwise the embedded SQLite store is.
/// </summary>
public abstract class StoreProvider(string? connectionString)
{
    /// <summary>The product, as messages name it ("MongoDB").</summary>
    public abstract string Product { get; }
    /// <summary>The option holding the connection string, e.g. <c>--mongo</c> / <c>Projections:Mongo</c>.</summary>
    public abstract HostOption Option { get; }
    /// <summary>Further options the store reads (listed in the help after <see cref="Option"/>).</summary>
    public virtual IReadOnlyList<HostOption> MoreOptions => [];
    /// <summary>The connection string given in code; configuration and the command line override it.</summary>
    public string? ConnectionString { get; } = connectionString;

    /// <summary>
    /// Checks the connection string (and <see cref="MoreOptions"/> in <paramref name="configuration"/>);
    /// throws <see cref="HostUserException"/> naming the option, never printing credentials.
    /// </summary>
    public abstract ConnectionSetting Parse(string value, IConfiguration configuration);
}

/// <summary>A store package's event source (EventStoreDB, PostgreSQL...).</summary>
public abstract class EventSourceProvider(string? connectionString) : StoreProvider(connectionString)
{
    /// <summary>Creates the event source (it may connect on first use; the host probes it before starting).</summary>
    public abstract IEventSource Open(ConnectionSetting connection, IConfiguration configuration);
}

/// <summary>A store package's projection store (MongoDB, PostgreSQL...).</summary>
public abstract class ProjectionStoreProvider(string? connectionString) : StoreProvider(connectionString)
{
    /// <summary>Creates the projection store; the host initializes and probes it before starting.</summary>
    public abstract IProjectionStore Open(ConnectionSetting connection, IConfiguration configuration);
}

/// <summary>The store the configuration selected and its checked connection string.</summary>
public sealed record SelectedStore<TProvider>(TProvider Provider, ConnectionSetting Connection) where TProvider : StoreProvider
{
    /// <summary>"MongoDB at mongodb://***@host (given by --mongo (Projections:Mongo, PROJECTIONS__MONGO))".</summary>
    public string Description => $"{Provider.Product} at {Connection.Redacted} (given by {Provider.Option.Display})";
}
