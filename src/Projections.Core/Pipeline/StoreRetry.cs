using Microsoft.Extensions.Logging;
using Projections.Core.Ports;
using Projections.Core.Resilience;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// Retries store calls with the engine's <see cref="Backoff"/>: <see cref="ProjectionStoreUnavailableException"/>
/// for as long as it takes (an outage, logged once through <see cref="Outage"/>), other unexpected
/// exceptions a few times, <see cref="ProjectionStoreWriteException"/> never.
/// </summary>
internal static class StoreRetry
{
    public const int MaxUnexpectedFailures = 5;

    public static async Task<T> Run<T>(Func<CancellationToken, Task<T>> call, string what, GenerationPipeline p, CancellationToken ct)
    {
        var backoff = new Backoff(p.Options.RetryDelay, p.Options.MaxRetryDelay);
        var unexpected = 0;
        while (true)
        {
            TimeSpan delay;
            try
            {
                var result = await call(ct).ConfigureAwait(false);
                p.StoreOutage.Succeeded();
                return result;
            }
            catch (ProjectionStoreUnavailableException ex)
            {
                delay = backoff.Next();
                p.StoreOutage.Failed(what, ex.Message, delay);
            }
            catch (Exception ex) when (ex is not ProjectionStoreWriteException and not ProjectionFailedException and not OperationCanceledException && ++unexpected < MaxUnexpectedFailures)
            {
                delay = backoff.Next();
                p.Logger.LogWarning(ex, "{What} failed unexpectedly (attempt {Attempt} of {Max}); retrying in {Delay}", what, unexpected, MaxUnexpectedFailures, delay);
            }
            await Task.Delay(delay, p.Time, ct).ConfigureAwait(false);
        }
    }

    public static Task Run(Func<CancellationToken, Task> call, string what, GenerationPipeline p, CancellationToken ct) =>
        Run<bool>(async c => { await call(c).ConfigureAwait(false); return true; }, what, p, ct);
}
