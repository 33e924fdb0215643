using Microsoft.Extensions.Logging;
using Projections.Core.Runtime;

namespace Projections.Core.Resilience;

/// <summary>
/// One dependency (the event source or the projection store) as seen by one pipeline: while it fails
/// with transient errors the pipeline waits and retries. An outage is logged once when it begins and
/// once when it ends, however many retries it takes; readiness reports it while it lasts.
/// </summary>
internal sealed class Outage(string projection, string dependency, TimeProvider time, ILogger logger)
{
    private OutageInfo? _current;

    /// <summary>The outage in progress, or null.</summary>
    public OutageInfo? Current => Volatile.Read(ref _current);

    /// <summary>A transient failure: logs a warning when it starts an outage, and at debug level while one lasts.</summary>
    public void Failed(string what, string reason, TimeSpan retryIn)
    {
        var began = Interlocked.CompareExchange(ref _current, new OutageInfo(dependency, reason, time.GetUtcNow()), null) is null;
        if (began)
            logger.LogWarning("Projection {Projection} paused: {Dependency} is unavailable ({What}: {Reason}); retrying with backoff until it answers",
                projection, dependency, what, reason);
        else
            logger.LogDebug("Projection {Projection}: {Dependency} still unavailable ({What}: {Reason}); next retry in {Delay}", projection, dependency, what, reason, retryIn);
    }

    /// <summary>A call succeeded: ends the outage in progress, if any, with one line.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _current) is null) return; // the common case: no outage, no write
        if (Interlocked.Exchange(ref _current, null) is { } ended)
            logger.LogInformation("Projection {Projection} resumed: {Dependency} answers again after {Duration}",
                projection, dependency, time.GetUtcNow() - ended.Since);
    }
}
