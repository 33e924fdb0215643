using Projections.Core;
using Projections.Hosting.Stores;
using Projections.Hosting.Web;

namespace Projections.Hosting.Settings;

/// <summary>The validated settings of one host (options of every source merged), as <c>IOptions&lt;HostSettings&gt;</c>.</summary>
public sealed record HostSettings
{
    /// <summary>Absolute path of the directory holding the embedded SQLite files.</summary>
    public required string DataDirectory { get; init; }
    /// <summary>The event store a package provides and the configuration selects; null = embedded SQLite event store.</summary>
    public required SelectedStore<EventSourceProvider>? EventSource { get; init; }
    /// <summary>The projection store a package provides and the configuration selects; null = embedded SQLite projection store.</summary>
    public required SelectedStore<ProjectionStoreProvider>? ProjectionStore { get; init; }
    /// <summary>The engine's options.</summary>
    public required ProjectionEngineOptions Engine { get; init; }
    /// <summary>Where <c>run</c> listens.</summary>
    public required IReadOnlyList<string> Urls { get; init; }
    /// <summary>The Host header names the web server answers (no ports); ["*"] answers any.</summary>
    public required IReadOnlyList<string> AllowedHosts { get; init; }
    /// <summary>The bearer token of the web API's admin actions; null disables them.</summary>
    public required string? AdminToken { get; init; }
    /// <summary>Live entity streams open at once.</summary>
    public int MaxLiveStreams { get; init; } = WebOptions.DefaultMaxLiveStreams;
    /// <summary>Live entity streams one client address may hold open at once.</summary>
    public int MaxLiveStreamsPerClient { get; init; } = WebOptions.DefaultMaxLiveStreamsPerClient;
    /// <summary>Entity queries that scan the live set, running at once.</summary>
    public int MaxEntityScans { get; init; } = WebOptions.DefaultMaxEntityScans;
    /// <summary>How <c>run</c> shows progress.</summary>
    public required ProgressMode Progress { get; init; }
    /// <summary>Null = the renderer's own default.</summary>
    public required TimeSpan? ProgressInterval { get; init; }

    /// <summary>How often the background reconciliation runs; null = off.</summary>
    public TimeSpan? ReconcileInterval { get; init; }
    /// <summary>Live aggregates per projection a reconciliation round checks.</summary>
    public int ReconcileSample { get; init; } = 100;

    /// <summary>True when events are read from (and appended to) the embedded SQLite event store.</summary>
    public bool UsesEmbeddedEventStore => EventSource is null;
    /// <summary>True when any SQLite file is used (so the data directory must be usable).</summary>
    public bool UsesSqlite => EventSource is null || ProjectionStore is null;
    /// <summary>The embedded event store's file.</summary>
    public string EventsDatabasePath => Path.Combine(DataDirectory, "events.db");
    /// <summary>The embedded projection store's file.</summary>
    public string ProjectionsDatabasePath => Path.Combine(DataDirectory, "projections.db");
}

/// <summary>A connection string and a form of it that is safe to print (credentials removed).</summary>
public sealed record ConnectionSetting(string Value, string Redacted)
{
    /// <inheritdoc />
    public override string ToString() => Redacted;
}

/// <summary>How <c>run</c> shows progress.</summary>
public enum ProgressMode
{
    /// <summary>Live on an interactive terminal, plain otherwise.</summary>
    Auto,
    /// <summary>A table redrawn in place.</summary>
    Live,
    /// <summary>Periodic lines.</summary>
    Plain,
    /// <summary>Nothing but the banner and the summary.</summary>
    Off,
}
