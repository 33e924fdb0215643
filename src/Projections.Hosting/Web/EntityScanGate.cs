using Microsoft.Extensions.Options;
using Projections.Core.Runtime;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Web;

/// <summary>
/// Counts entity queries that scan the live set (<see cref="EntityQuery.Scans"/>) and refuses one beyond
/// the cap instead of queueing it, so scans cannot take every core and request thread from the engine,
/// the indexed queries, <c>/api/projections</c> and the health checks.
/// </summary>
internal sealed class EntityScanGate(IOptions<WebOptions> options)
{
    private int _running;

    /// <summary>A lease to dispose when the scan ends, or null with the reason it was refused.</summary>
    public IDisposable? TryEnter(out string? refusal)
    {
        var limit = options.Value.MaxEntityScans;
        if (Interlocked.Increment(ref _running) > limit)
        {
            Interlocked.Decrement(ref _running);
            refusal = $"The host is already running {limit} entity queries that scan the live aggregates, its limit ({HostOptionCatalog.MaxEntityScans.Display}). " +
                      "Try again shortly, or filter on one declared field and page with 'after', which are not limited.";
            return null;
        }
        refusal = null;
        return new Lease(this);
    }

    private sealed class Lease(EntityScanGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref gate._running);
        }
    }
}
