namespace Projections.Hosting.Settings;

/// <summary>
/// The host's own options (where the embedded files live, the web server, terminal progress). Engine
/// options are in <see cref="EngineSettings"/>; a store package and the application add theirs through
/// <see cref="ProjectionsBuilder"/>, and <see cref="ProjectionsRegistration.Options"/> lists them all.
/// </summary>
public static class HostOptionCatalog
{
    /// <summary>The configuration section every option lives under.</summary>
    public const string Section = "Projections";

    /// <summary><c>--data-dir</c>: the embedded SQLite files.</summary>
    public static readonly HostOption DataDirectory = new("data-dir", "Projections:DataDirectory", "path", "./data",
        "Directory of the embedded SQLite files (events.db, projections.db).");

    /// <summary><c>--urls</c>: where the web server listens.</summary>
    public static readonly HostOption Urls = new("urls", "Projections:Web:Urls", "url[;url]", "http://127.0.0.1:5080",
        "Where the web API and dashboard listen (port 0 picks a free port).");
    /// <summary><c>--allowed-hosts</c>: the Host headers the web server answers (DNS-rebinding defence).</summary>
    public static readonly HostOption AllowedHosts = new("allowed-hosts", "Projections:Web:AllowedHosts", "host[;host]", "loopback names and the hosts in --urls",
        "Host header names the web server answers; others get 400 (a page whose name was rebound to this address cannot read the API). * allows any.");
    /// <summary><c>--admin-token</c>: the bearer token of the web API's admin actions.</summary>
    public static readonly HostOption AdminToken = new("admin-token", "Projections:Web:AdminToken", "token", "(none: admin actions disabled)",
        "Bearer token required by the web API's admin actions (rebuild, park and continue, switch or discard a preview); name:secret names its holder in the log.", Secret: true);
    /// <summary><c>--admin-token-file</c>: a file holding the admin token, so it is not in the process list.</summary>
    public static readonly HostOption AdminTokenFile = new("admin-token-file", "Projections:Web:AdminTokenFile", "path", "(none)",
        "File holding the admin token (read once at start, surrounding whitespace trimmed); keeps it out of the process list and the environment.");
    /// <summary><c>--max-live-streams</c>: open live entity streams the host serves at once.</summary>
    public static readonly HostOption MaxLiveStreams = new("max-live-streams", "Projections:Web:MaxLiveStreams", "n", "200",
        "Live entity streams (Server-Sent Events) open at once; beyond it a new stream gets 503 with Retry-After.");
    /// <summary><c>--max-live-streams-per-client</c>: open live entity streams one client address may hold.</summary>
    public static readonly HostOption MaxLiveStreamsPerClient = new("max-live-streams-per-client", "Projections:Web:MaxLiveStreamsPerClient", "n", "20",
        "Live entity streams one client address may hold open at once (behind a reverse proxy, every user shares the proxy's address); beyond it 503 with Retry-After.");
    /// <summary><c>--max-entity-scans</c>: entity queries that scan the live set, running at once.</summary>
    public static readonly HostOption MaxEntityScans = new("max-entity-scans", "Projections:Web:MaxEntityScans", "n", "2",
        "Entity queries that scan the live aggregates (a key search, two or more field filters, a skip beyond 10,000) running at once; beyond it 503 with Retry-After. One field filter and cursor pages are not limited.");
    /// <summary><c>--progress</c>: how <c>run</c> shows progress.</summary>
    public static readonly HostOption Progress = new("progress", "Projections:Progress", "auto|live|plain|off", "auto",
        "Terminal progress: live table on a terminal, plain periodic lines otherwise (auto).");
    /// <summary><c>--progress-interval</c>.</summary>
    public static readonly HostOption ProgressInterval = new("progress-interval", "Projections:ProgressInterval", "duration", "1s live, 5s plain",
        "How often progress is printed.");

    /// <summary><c>--reconcile-interval</c>: how often the background reconciliation checks a sample; off when not set.</summary>
    public static readonly HostOption ReconcileInterval = new("reconcile-interval", "Projections:Reconcile:Interval", "duration", "(off)",
        "run: every this long, re-fold a rotating sample of each projection's live aggregates from the events with the reference fold and compare with the store; mismatches are logged, counted and shown.");
    /// <summary><c>--reconcile-sample</c>: how many live aggregates a reconciliation round checks per projection.</summary>
    public static readonly HostOption ReconcileSample = new("reconcile-sample", "Projections:Reconcile:Sample", "n", "100",
        "run: live aggregates per projection each reconciliation round checks (the next ones in key order each round).");

    /// <summary><c>--skip-bad-lines</c>: import goes on after a malformed line.</summary>
    public static readonly HostOption SkipBadLines = new("skip-bad-lines", "Projections:Import:SkipBadLines", null, "",
        "import: report each malformed line and go on, instead of stopping at the first.", FlagValue: "true");

    /// <summary><c>--generation</c>: which generation dead-letters reads.</summary>
    public static readonly HostOption DeadLetterGeneration = new("generation", "Projections:DeadLetters:Generation", "n", "(the newest: the one being built, else the active one)",
        "dead-letters: read this generation's dead letters (the active one or the one being built).");
    /// <summary><c>--page</c>: which page dead-letters lists.</summary>
    public static readonly HostOption DeadLetterPage = new("page", "Projections:DeadLetters:Page", "n", "1",
        "dead-letters: the page to list, oldest position first.");
    /// <summary><c>--page-size</c>: how many dead letters a page lists.</summary>
    public static readonly HostOption DeadLetterPageSize = new("page-size", "Projections:DeadLetters:PageSize", "n", "50",
        "dead-letters: dead letters per page.");
    /// <summary><c>--show</c>: dead-letters prints the one at this position in full.</summary>
    public static readonly HostOption DeadLetterShow = new("show", "Projections:DeadLetters:Show", "position", "(none: list)",
        "dead-letters: print the dead letter at this position in full (stream, type, reason, metadata, payload).");
    /// <summary><c>--export</c>: dead-letters writes them as JSON lines import reads.</summary>
    public static readonly HostOption DeadLetterExport = new("export", "Projections:DeadLetters:Export", "file.jsonl|-", "(none: list)",
        "dead-letters: write the parked events as JSON lines that import reads (fix them, then import the file).");

    /// <summary>The options listed after the stores' and the engine's.</summary>
    public static IReadOnlyList<HostOption> Web { get; } =
    [
        Urls, AllowedHosts, AdminToken, AdminTokenFile, MaxLiveStreams, MaxLiveStreamsPerClient, MaxEntityScans,
        Progress, ProgressInterval, ReconcileInterval, ReconcileSample, SkipBadLines,
        DeadLetterGeneration, DeadLetterPage, DeadLetterPageSize, DeadLetterShow, DeadLetterExport,
    ];
}
