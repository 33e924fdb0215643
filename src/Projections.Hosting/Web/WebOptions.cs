namespace Projections.Hosting.Web;

/// <summary>Settings of the HTTP API and page, bound from <c>Projections:Web</c>.</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Projections:Web";

    /// <summary>Default of <see cref="MaxLiveStreams"/>.</summary>
    public const int DefaultMaxLiveStreams = 200;
    /// <summary>Default of <see cref="MaxLiveStreamsPerClient"/>.</summary>
    public const int DefaultMaxLiveStreamsPerClient = 20;
    /// <summary>Default of <see cref="MaxEntityScans"/>.</summary>
    public const int DefaultMaxEntityScans = 2;

    /// <summary>Bearer token that state-changing endpoints (rebuild) require. Unset = those endpoints are disabled.</summary>
    public string? AdminToken { get; set; }

    /// <summary>How often an idle Server-Sent Events stream sends a comment so proxies keep it open.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Live entity streams open at once; a new one beyond it answers 503.</summary>
    public int MaxLiveStreams { get; set; } = DefaultMaxLiveStreams;

    /// <summary>Live entity streams one client address may hold open at once; a new one beyond it answers 503.</summary>
    public int MaxLiveStreamsPerClient { get; set; } = DefaultMaxLiveStreamsPerClient;

    /// <summary>
    /// How long one write to a live stream may stay blocked (the client stopped reading and the socket's
    /// buffers are full) before the connection is dropped.
    /// </summary>
    public TimeSpan LiveStreamWriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most bytes of messages waiting for one live stream's writer; a stream that falls further behind is
    /// dropped rather than buffered without limit (the client reconnects and gets the current state).
    /// </summary>
    public int LiveStreamBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>How long the readiness check waits for the event source and the store to answer.</summary>
    public TimeSpan ReadinessProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Entity queries that scan the live set (<see cref="Projections.Core.Runtime.EntityQuery.Scans"/>) running at
    /// once; one more answers 503, so scans cannot take the cores and threads the engine and the other endpoints need.
    /// </summary>
    public int MaxEntityScans { get; set; } = DefaultMaxEntityScans;

    /// <summary>Largest page of entities or dead letters one request may ask for.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Most events one history request reads before it answers with the part it folded and says so.</summary>
    public long MaxHistoryScan { get; set; } = 1_000_000;
}
