using Projections.Core.Events;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>One atomic append over Streams.Append. Not retried: after a timeout its outcome is unknown.</summary>
internal sealed class Appends(EventStoreDbConnection connection)
{
    public Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken) =>
        connection.Run("append", streamId, expected, async node =>
        {
            using var call = new Streams.StreamsClient(node.Channel).Append(connection.UnaryCall(cancellationToken));
            await call.RequestStream.WriteAsync(AppendRequests.Options(streamId, expected), cancellationToken).ConfigureAwait(false);
            foreach (var e in events)
                await call.RequestStream.WriteAsync(AppendRequests.Message(e), cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return ToResult(await call.ResponseAsync.ConfigureAwait(false), streamId, expected);
        }, cancellationToken, idempotent: IsIdempotent(expected));

    /// <summary>The server deduplicates a repeated append of the same event ids reliably only with these expectations.</summary>
    internal static bool IsIdempotent(ExpectedRevision expected) => expected.Type is ExpectedRevision.Kind.Exact or ExpectedRevision.Kind.NoStream;

    internal static AppendResult ToResult(AppendResp response, string streamId, ExpectedRevision expected)
    {
        if (response.ResultCase == AppendResp.ResultOneofCase.WrongExpectedVersion)
        {
            var wev = response.WrongExpectedVersion;
            ulong? actual = wev.CurrentRevisionOptionCase switch
            {
                AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentRevision => wev.CurrentRevision,
                AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentNoStream => null,
                // A 20.6.0 server fills only the older fields.
                _ => wev.CurrentRevisionOption2060Case == AppendResp.Types.WrongExpectedVersion.CurrentRevisionOption2060OneofCase.CurrentRevision2060
                    ? wev.CurrentRevision2060
                    : null,
            };
            throw new WrongExpectedVersionException(streamId, expected, actual);
        }

        var success = response.Success;
        var position = success.PositionOptionCase == AppendResp.Types.Success.PositionOptionOneofCase.Position
            ? new GlobalPosition(success.Position.CommitPosition, success.Position.PreparePosition)
            : GlobalPosition.Start;
        return new AppendResult(RevisionAfter(success.CurrentRevisionOptionCase == AppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision, success.CurrentRevision), position);
    }

    /// <summary>An empty append to a missing stream leaves no revision; that is reported as ulong.MaxValue (EventStoreDB's "no stream", -1).</summary>
    internal static ulong RevisionAfter(bool hasRevision, ulong revision) => hasRevision ? revision : ulong.MaxValue;
}
