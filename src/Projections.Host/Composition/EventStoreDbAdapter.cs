using Projections.EventStoreDb;
using Projections.EventStoreDb.Connection;
using Projections.Host.Cli;
using Projections.Host.Configuration;

namespace Projections.Host.Composition;

internal static class EventStoreDbAdapter
{
    /// <summary>Creates the EventStoreDB client (it connects on first use); a malformed string is a user error naming the option.</summary>
    public static EventStoreDbEventStore Open(ConnectionSetting connection)
    {
        try
        {
            return EventStoreDbEventStore.Connect(connection.Value);
        }
        catch (InvalidConnectionStringException e)
        {
            throw new HostUserException(
                $"Invalid value '{connection.Redacted}' for {HostOptionCatalog.EventStore.Display}: {ConnectionStrings.Redact(e.Message)}", e);
        }
    }
}
