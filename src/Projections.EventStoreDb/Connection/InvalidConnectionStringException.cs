namespace Projections.EventStoreDb.Connection;

/// <summary>The connection string is malformed; the message names the part that is wrong.</summary>
public sealed class InvalidConnectionStringException(string message)
    : FormatException($"Invalid EventStoreDB connection string: {message}");
