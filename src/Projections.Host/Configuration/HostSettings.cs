using Projections.Core;

namespace Projections.Host.Configuration;

/// <summary>The validated settings of one host invocation (options of every source merged).</summary>
public sealed record HostSettings
{
    /// <summary>Absolute path of the directory holding the embedded SQLite files.</summary>
    public required string DataDirectory { get; init; }
    /// <summary>EventStoreDB to read from; null = embedded SQLite event store.</summary>
    public required ConnectionSetting? EventStore { get; init; }
    /// <summary>MongoDB to persist projections in; null = SQLite projection store.</summary>
    public required ConnectionSetting? Mongo { get; init; }
    /// <summary>Null = the database named in the connection string, else "projections".</summary>
    public required string? MongoDatabase { get; init; }
    /// <summary>PostgreSQL to persist projections in (an Npgsql connection string); null = SQLite or MongoDB.</summary>
    public ConnectionSetting? Postgres { get; init; }
    public required ProjectionEngineOptions Engine { get; init; }
    public required SimulatorSettings Simulator { get; init; }
    public required IReadOnlyList<string> Urls { get; init; }
    public required string? AdminToken { get; init; }
    public required ProgressMode Progress { get; init; }
    /// <summary>Null = the renderer's own default.</summary>
    public required TimeSpan? ProgressInterval { get; init; }

    public bool UsesEmbeddedEventStore => EventStore is null;
    public bool UsesSqlite => EventStore is null || (Mongo is null && Postgres is null);
    public string EventsDatabasePath => Path.Combine(DataDirectory, "events.db");
    public string ProjectionsDatabasePath => Path.Combine(DataDirectory, "projections.db");
}

/// <summary>A connection string and a form of it that is safe to print (credentials removed).</summary>
public sealed record ConnectionSetting(string Value, string Redacted)
{
    public override string ToString() => Redacted;
}

/// <param name="Rate">Events per second; null = as fast as the store accepts.</param>
public sealed record SimulatorSettings(bool Enabled, int Items, int Stations, double? Rate, TimeSpan? Duration, long? TotalEvents, int? Seed);

public enum ProgressMode { Auto, Live, Plain, Off }
