using Microsoft.Extensions.Logging;
using Projections.Core.Ports;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// Retries store calls: <see cref="ProjectionStoreUnavailableException"/> for as long as it takes,
/// other unexpected exceptions a few times, with exponential backoff; <see cref="ProjectionStoreWriteException"/> and <see cref="LeaseLostException"/> never.
/// </summary>
internal static class StoreRetry
{
    public const int MaxUnexpectedFailures = 5;

    public static async Task<T> Run<T>(Func<CancellationToken, Task<T>> call, string what, ProjectionEngineOptions options, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var delay = options.RetryDelay;
        var unexpected = 0;
        while (true)
        {
            try
            {
                return await call(ct).ConfigureAwait(false);
            }
            catch (ProjectionStoreUnavailableException ex)
            {
                logger.LogWarning("{What} failed, store unavailable; retrying in {Delay}: {Message}", what, delay, ex.Message);
            }
            catch (Exception ex) when (ex is not ProjectionStoreWriteException and not ProjectionFailedException and not LeaseLostException and not OperationCanceledException && ++unexpected < MaxUnexpectedFailures)
            {
                logger.LogWarning(ex, "{What} failed unexpectedly (attempt {Attempt} of {Max}); retrying in {Delay}", what, unexpected, MaxUnexpectedFailures, delay);
            }
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
        }
    }

    public static Task Run(Func<CancellationToken, Task> call, string what, ProjectionEngineOptions options, TimeProvider time, ILogger logger, CancellationToken ct) =>
        Run<bool>(async c => { await call(c).ConfigureAwait(false); return true; }, what, options, time, logger, ct);
}
