using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grpc.Core;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// A finite read of $all up to a head position, page by page, handing each event on as it arrives
/// instead of holding a page whole: a producer reads the pages into a channel of one page's capacity
/// while the caller takes events from it, so reading the next events overlaps with handling the last.
/// A page is idempotent: after a transient failure the connection retries it from the last event
/// handed on (exclusive), so nothing repeats and nothing is skipped.
/// </summary>
internal sealed class AllRead(EventStoreDbConnection connection, EventStoreDbOptions options)
{
    public async IAsyncEnumerable<RecordedEvent> Read(GlobalPosition? after, EventFilter filter, GlobalPosition head,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateBounded<RecordedEvent>(new BoundedChannelOptions(options.ReadPageSize) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(after, filter, head, events.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await producer.ConfigureAwait(false); }
            catch (OperationCanceledException) { /* the caller stopped reading */ }
        }
    }

    private async Task Produce(GlobalPosition? after, EventFilter filter, GlobalPosition head, ChannelWriter<RecordedEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            var last = after;
            while (last is null || last < head)
            {
                // $all reads include the event at the start position, so each page repeats the last one.
                var (received, progressed, passedHead) = await connection.Run<(int, bool, bool)>("read of $all", null, null, async node =>
                {
                    var received = 0;
                    var progressed = false;
                    using var call = new Streams.StreamsClient(node.Channel).Read(
                        ReadRequests.ReadAllForward(last, filter, (ulong)options.ReadPageSize), connection.StreamingCall(cancellationToken));
                    await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (response.ContentCase != ReadResp.ContentOneofCase.Event || RecordedEvents.From(response.Event) is not { } e) continue;
                        received++;
                        if (last is { } l && e.Position <= l) continue;
                        if (e.Position > head) return (received, progressed, true);
                        await events.WriteAsync(e, cancellationToken).ConfigureAwait(false);
                        last = e.Position;
                        progressed = true;
                    }
                    return (received, progressed, false);
                }, cancellationToken, idempotent: true).ConfigureAwait(false);
                if (passedHead || !progressed || received < options.ReadPageSize) break;
            }
            events.TryComplete();
        }
        catch (Exception ex)
        {
            events.TryComplete(ex);
        }
    }
}
