using Projections.Core.Events;
using Projections.Core.Resilience;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// Many appends at once, each its own atomic append, all through the store's one BatchAppend writer
/// (<see cref="BatchAppendWriter"/>), so concurrent callers share one call and nobody waits for another
/// caller's answers. Appends that provably wrote nothing (not ready, connection refused, not the
/// leader), and idempotent ones that failed transiently, are sent again with backoff for up to
/// <see cref="EventStoreDbOptions.TransientRetryTimeout"/>; anything else is thrown to this caller.
/// </summary>
internal sealed class BatchAppends(EventStoreDbConnection connection, Appends fallback, EventStoreDbOptions options) : IAsyncDisposable
{
    private readonly BatchAppendWriter _writer = new(connection);

    public async Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        if (requests.Count == 0) return [];
        var node = await connection.GetNode(cancellationToken).ConfigureAwait(false);
        if (!node.Capabilities.SupportsBatchAppend) return await AppendOneByOne(requests, cancellationToken).ConfigureAwait(false);

        var results = new AppendResult[requests.Count];
        var remaining = Enumerable.Range(0, requests.Count).ToList();
        var giveUpAt = DateTime.UtcNow + options.TransientRetryTimeout;
        var backoff = new Backoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        while (true)
        {
            var answers = remaining.Select(i => _writer.Append(requests[i], cancellationToken)).ToArray();
            try
            {
                await Task.WhenAll(answers).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Each append's own outcome is looked at below.
            }

            var retry = new List<int>();
            Exception? firstFailure = null, firstRetryable = null;
            for (var k = 0; k < answers.Length; k++)
            {
                var index = remaining[k];
                if (answers[k].IsCompletedSuccessfully) { results[index] = answers[k].Result; continue; }
                var error = answers[k].Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
                if (MaySendAgain(error, requests[index]))
                {
                    retry.Add(index);
                    firstRetryable ??= error;
                }
                else firstFailure ??= error;
            }
            if (firstFailure is not null) throw firstFailure;
            if (retry.Count == 0) return results;

            var delay = backoff.Next();
            if (DateTime.UtcNow + delay > giveUpAt) throw firstRetryable!;
            options.OnReconnecting?.Invoke(firstRetryable!, delay);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            remaining = retry;
        }
    }

    private static bool MaySendAgain(Exception error, AppendRequest request) =>
        BatchAppendErrorMapper.NothingWritten(error) || (error is EventStoreUnavailableException && Appends.IsIdempotent(request.Expected));

    private async Task<IReadOnlyList<AppendResult>> AppendOneByOne(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        var results = new AppendResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
            results[i] = await fallback.Append(requests[i].StreamId, requests[i].Expected, requests[i].Events, cancellationToken).ConfigureAwait(false);
        return results;
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
