using Microsoft.Extensions.Configuration;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;

namespace Projections.EventStoreDb.Hosting;

/// <summary>EventStoreDB as the host's event source: <c>--eventstore</c> selects it.</summary>
internal sealed class EventStoreDbSourceProvider(string? connectionString) : EventSourceProvider(connectionString)
{
    public static readonly HostOption EventStore = new("eventstore", "Projections:EventStore", "esdb://host:2113", "(none: embedded SQLite event store)",
        "Read events from EventStoreDB at this connection string instead of the embedded store.", Secret: true);

    public override string Product => "EventStoreDB";
    public override HostOption Option => EventStore;

    public override ConnectionSetting Parse(string value, IConfiguration configuration) =>
        ConnectionStrings.Check(EventStore, value, ["esdb://", "esdb+discover://"], "an EventStoreDB connection string such as esdb://localhost:2113?tls=false");

    /// <summary>Creates the client (it connects on first use); a malformed string is a user error naming the option.</summary>
    public override IEventSource Open(ConnectionSetting connection, IConfiguration configuration)
    {
        try
        {
            return EventStoreDbEventStore.Connect(connection.Value);
        }
        catch (InvalidConnectionStringException e)
        {
            throw new HostUserException($"Invalid value '{connection.Redacted}' for {EventStore.Display}: {SecretRedactor.Redact(e.Message)}", e);
        }
    }
}
