namespace Projections.Hosting.Web;

/// <summary>Settings of the HTTP API and page, bound from <c>Projections:Web</c>.</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Projections:Web";

    /// <summary>Bearer token that state-changing endpoints (rebuild) require. Unset = those endpoints are disabled.</summary>
    public string? AdminToken { get; set; }

    /// <summary>How often an idle Server-Sent Events stream sends a comment so proxies keep it open.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the readiness check waits for the event source and the store to answer.</summary>
    public TimeSpan ReadinessProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest page of entities or dead letters one request may ask for.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Most events one history request reads before it answers with the part it folded and says so.</summary>
    public long MaxHistoryScan { get; set; } = 1_000_000;
}
