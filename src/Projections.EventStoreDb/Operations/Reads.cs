using Grpc.Core;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// Finite reads, one page per call. A page is idempotent, so a transient failure is retried with
/// backoff; "not leader" is followed by the connection.
/// </summary>
internal sealed class Reads(EventStoreDbConnection connection, EventStoreDbOptions options)
{
    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) =>
        WithRetries(() => connection.Run("read of the head position", null, null, async node =>
        {
            using var call = Client(node).Read(ReadRequests.ReadLastOfAll(), connection.UnaryCall(cancellationToken));
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                if (response.ContentCase == ReadResp.ContentOneofCase.Event)
                    return response.Event.Link is { } link ? RecordedEvents.PositionOf(link) : RecordedEvents.PositionOf(response.Event.Event);
            return GlobalPosition.Start;
        }, cancellationToken), cancellationToken);

    /// <summary>One page of a stream from <paramref name="fromRevision"/> (inclusive); null when the stream does not exist.</summary>
    public Task<List<RecordedEvent>?> ReadStreamPage(string streamId, ulong fromRevision, CancellationToken cancellationToken) =>
        WithRetries(() => connection.Run("read of a stream", streamId, null, async node =>
        {
            var page = new List<RecordedEvent>();
            using var call = Client(node).Read(ReadRequests.ReadStreamForward(streamId, fromRevision, (ulong)options.ReadPageSize), connection.UnaryCall(cancellationToken));
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (response.ContentCase == ReadResp.ContentOneofCase.StreamNotFound) return null;
                if (response.ContentCase == ReadResp.ContentOneofCase.Event && RecordedEvents.From(response.Event) is { } e) page.Add(e);
            }
            return page;
        }, cancellationToken), cancellationToken);

    /// <summary>One page of $all from <paramref name="from"/> (inclusive; null = the start), filtered on the server.</summary>
    public Task<List<RecordedEvent>> ReadAllPage(GlobalPosition? from, EventFilter filter, CancellationToken cancellationToken) =>
        WithRetries(() => connection.Run("read of $all", null, null, async node =>
        {
            var page = new List<RecordedEvent>();
            using var call = Client(node).Read(ReadRequests.ReadAllForward(from, filter, (ulong)options.ReadPageSize), connection.StreamingCall(cancellationToken));
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                if (response.ContentCase == ReadResp.ContentOneofCase.Event && RecordedEvents.From(response.Event) is { } e)
                    page.Add(e);
            return page;
        }, cancellationToken), cancellationToken);

    private static Streams.StreamsClient Client(NodeConnection node) => new(node.Channel);

    private async Task<T> WithRetries<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (EventStoreUnavailableException ex) when (attempt < options.ReadRetries && !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                options.OnReconnecting?.Invoke(ex, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
