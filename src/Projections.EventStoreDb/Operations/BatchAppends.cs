using Grpc.Core;
using Projections.Core.Events;
using Projections.Core.Resilience;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol.Streams;
using Projections.EventStoreDb.Protocol;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// Many appends multiplexed on one BatchAppend call, matched by correlation id. The request stream is
/// never half-closed: a 23.10 server ends the call at once when it is, dropping the answers still
/// due. The call stays open until every append is answered and is then cancelled by disposing it.
/// Appends the server refused as not ready, and idempotent ones that failed transiently, are sent again.
/// </summary>
internal sealed class BatchAppends(EventStoreDbConnection connection, Appends fallback, EventStoreDbOptions options)
{
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
            var batch = remaining.Select(i => requests[i]).ToList();
            var outcomes = await connection.Run("batch append", batch.Count == 1 ? batch[0].StreamId : null, null,
                n => Exchange(n, batch, cancellationToken), cancellationToken,
                idempotent: batch.All(r => Appends.IsIdempotent(r.Expected))).ConfigureAwait(false);

            var retry = new List<int>();
            Exception? firstFailure = null;
            for (var k = 0; k < outcomes.Length; k++)
            {
                var (result, error) = outcomes[k];
                if (error is null) { results[remaining[k]] = result; continue; }
                if (error is EventStoreUnavailableException && (Appends.IsIdempotent(batch[k].Expected) || BatchAppendErrorMapper.IsNotReady(error)))
                    retry.Add(remaining[k]);
                else
                    firstFailure ??= error;
            }
            if (firstFailure is not null) throw firstFailure;
            if (retry.Count == 0) return results;

            var delay = backoff.Next();
            var failure = outcomes.First(o => o.Error is not null).Error!;
            if (DateTime.UtcNow + delay > giveUpAt) throw failure;
            options.OnReconnecting?.Invoke(failure, delay);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            remaining = retry;
        }
    }

    private async Task<IReadOnlyList<AppendResult>> AppendOneByOne(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        var results = new AppendResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
            results[i] = await fallback.Append(requests[i].StreamId, requests[i].Expected, requests[i].Events, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private async Task<(AppendResult Result, Exception? Error)[]> Exchange(NodeConnection node, IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        var outcomes = new (AppendResult, Exception?)[requests.Count];
        var pending = new Dictionary<Guid, int>(requests.Count);
        var ids = new Guid[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            ids[i] = Guid.NewGuid();
            pending.Add(ids[i], i);
        }

        using var callCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = new Streams.StreamsClient(node.Channel).BatchAppend(connection.StreamingCall(callCancellation.Token));
        var deadline = connection.Settings.DefaultDeadline;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < requests.Count; i++)
                await call.RequestStream.WriteAsync(AppendRequests.Batch(ids[i], requests[i], deadline), callCancellation.Token).ConfigureAwait(false);
        }, callCancellation.Token);

        try
        {
            while (pending.Count > 0)
            {
                if (!await call.ResponseStream.MoveNext(callCancellation.Token).ConfigureAwait(false))
                    throw new EventStoreUnavailableException(
                        $"EventStoreDB ended the batch append with {pending.Count} of {requests.Count} appends unanswered; their outcome is unknown.");
                var response = call.ResponseStream.Current;
                if (!pending.Remove(Uuids.ToGuid(response.CorrelationId), out var index)) continue;
                outcomes[index] = response.ResultCase == BatchAppendResp.ResultOneofCase.Success
                    ? (ToResult(response.Success), null)
                    : (default, BatchAppendErrorMapper.Map(response.Error, requests[index].StreamId, requests[index].Expected));
            }
            await writer.ConfigureAwait(false);
            return outcomes;
        }
        finally
        {
            await callCancellation.CancelAsync().ConfigureAwait(false);
            try { await writer.ConfigureAwait(false); }
            catch (Exception) when (callCancellation.IsCancellationRequested) { /* the writer stops with the call */ }
        }
    }

    private static AppendResult ToResult(BatchAppendResp.Types.Success success)
    {
        var position = success.PositionOptionCase == BatchAppendResp.Types.Success.PositionOptionOneofCase.Position
            ? new GlobalPosition(success.Position.CommitPosition, success.Position.PreparePosition)
            : GlobalPosition.Start;
        var hasRevision = success.CurrentRevisionOptionCase == BatchAppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision;
        return new AppendResult(Appends.RevisionAfter(hasRevision, success.CurrentRevision), position);
    }
}
