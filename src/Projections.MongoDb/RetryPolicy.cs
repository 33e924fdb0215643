using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using Projections.Core.Ports;
using Projections.Core.Resilience;

namespace Projections.MongoDb;

/// <summary>
/// Runs one store operation, retrying transient failures with the engine's <see cref="Backoff"/>. When attempts run
/// out the failure becomes <see cref="ProjectionStoreUnavailableException"/> (the engine backs off and
/// tries again later); a failure retrying cannot fix is thrown at once with the operation named.
/// </summary>
internal sealed class RetryPolicy(int maxAttempts, TimeSpan firstDelay, TimeSpan maxDelay, string storeDescription, ILogger logger)
{
    public int MaxAttempts => maxAttempts;

    public async Task<T> Run<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, bool isWrite = false, int? attempts = null)
    {
        var limit = attempts ?? maxAttempts;
        var backoff = new Backoff(firstDelay, maxDelay);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && MongoErrorClassifier.IsTransient(e))
            {
                if (attempt >= limit)
                    throw new ProjectionStoreUnavailableException($"{storeDescription} could not {operation} after {attempt} attempt(s): {e.Message}", e);
                var delay = backoff.Next();
                // Debug: the engine logs the outage once when these attempts run out (Outage).
                logger.LogDebug("{Store}: {Operation} failed transiently (attempt {Attempt} of {Limit}), retrying in {Delay}: {Error}",
                    storeDescription, operation, attempt, limit, delay, e.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (MongoException e) when (!cancellationToken.IsCancellationRequested)
            {
                var message = $"{storeDescription} refused to {operation}: {e.Message}";
                throw isWrite ? new ProjectionStoreWriteException(message, inner: e) : new InvalidOperationException(message, e);
            }
        }
    }

    public Task Run(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken, bool isWrite = false) =>
        Run(operation, async t => { await action(t).ConfigureAwait(false); return true; }, cancellationToken, isWrite);
}
