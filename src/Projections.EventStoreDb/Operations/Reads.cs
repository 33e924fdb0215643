using Grpc.Core;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// Finite reads, one page per call. A page is idempotent, so the connection retries it after transient
/// failures (within TransientRetryTimeout) and follows "not leader".
/// </summary>
internal sealed class Reads(EventStoreDbConnection connection, EventStoreDbOptions options)
{
    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) =>
        connection.Run("read of the head position", null, null, async node =>
        {
            using var call = Client(node).Read(ReadRequests.ReadLastOfAll(), connection.UnaryCall(cancellationToken));
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                if (response.ContentCase == ReadResp.ContentOneofCase.Event)
                    return response.Event.Link is { } link ? RecordedEvents.PositionOf(link) : RecordedEvents.PositionOf(response.Event.Event);
            return GlobalPosition.Start;
        }, cancellationToken, idempotent: true);

    /// <summary>One page of a stream from <paramref name="fromRevision"/> (inclusive); null when the stream does not exist.</summary>
    public Task<List<RecordedEvent>?> ReadStreamPage(string streamId, ulong fromRevision, CancellationToken cancellationToken) =>
        connection.Run("read of a stream", streamId, null, async node =>
        {
            var page = new List<RecordedEvent>();
            using var call = Client(node).Read(ReadRequests.ReadStreamForward(streamId, fromRevision, (ulong)options.ReadPageSize), connection.UnaryCall(cancellationToken));
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (response.ContentCase == ReadResp.ContentOneofCase.StreamNotFound) return null;
                if (response.ContentCase == ReadResp.ContentOneofCase.Event && RecordedEvents.From(response.Event) is { } e) page.Add(e);
            }
            return page;
        }, cancellationToken, idempotent: true);

    /// <summary>One page of $all from <paramref name="from"/> (inclusive; null = the start), filtered on the server.</summary>
    public Task<List<RecordedEvent>> ReadAllPage(GlobalPosition? from, EventFilter filter, CancellationToken cancellationToken) =>
        connection.Run("read of $all", null, null, async node =>
        {
            var page = new List<RecordedEvent>();
            using var call = Client(node).Read(ReadRequests.ReadAllForward(from, filter, (ulong)options.ReadPageSize), connection.StreamingCall(cancellationToken));
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                if (response.ContentCase == ReadResp.ContentOneofCase.Event && RecordedEvents.From(response.Event) is { } e)
                    page.Add(e);
            return page;
        }, cancellationToken, idempotent: true);

    private static Streams.StreamsClient Client(NodeConnection node) => new(node.Channel);
}
