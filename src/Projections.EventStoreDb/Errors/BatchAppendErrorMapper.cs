using Projections.Core.Events;
using Projections.EventStoreDb.Protocol.Rpc;
using Projections.EventStoreDb.Protocol.Shared;

namespace Projections.EventStoreDb.Errors;

/// <summary>
/// Turns a BatchAppend per-append error (a status with one detail message) into a Core exception.
/// Any response with an error is a failure, even when its code is 0 ("Server Is Not Ready").
/// </summary>
internal static class BatchAppendErrorMapper
{
    private const string NothingWrittenMarker = "[nothing written] ";

    /// <summary>
    /// True for a failure that provably wrote nothing, so the append may be sent again whatever its
    /// expectation: "Server Is Not Ready" / "Server Is Too Busy", a refused connection, "not leader".
    /// </summary>
    public static bool NothingWritten(Exception mapped) => mapped.Data.Contains(NothingWrittenMarker);

    public static void MarkNothingWritten(Exception mapped) => mapped.Data[NothingWrittenMarker] = true;

    public static Exception Map(Status error, string streamId, ExpectedRevision expected)
    {
        var details = error.Details;
        if (details is not null)
        {
            if (details.Is(Protocol.Shared.WrongExpectedVersion.Descriptor))
            {
                var wev = details.Unpack<Protocol.Shared.WrongExpectedVersion>();
                ulong? actual = wev.CurrentStreamRevisionOptionCase == Protocol.Shared.WrongExpectedVersion.CurrentStreamRevisionOptionOneofCase.CurrentStreamRevision
                    ? wev.CurrentStreamRevision
                    : null;
                return new WrongExpectedVersionException(streamId, expected, actual);
            }
            if (details.Is(StreamDeleted.Descriptor)) return new StreamDeletedException(streamId);
            if (details.Is(AccessDenied.Descriptor)) return new AccessDeniedException($"EventStoreDB denied access to append to '{streamId}'.");
            if (details.Is(Protocol.Shared.Timeout.Descriptor))
                return new EventStoreUnavailableException($"Append to stream '{streamId}' timed out on the server; its outcome is unknown (retry with the same event ids).");
            if (details.Is(MaximumAppendSizeExceeded.Descriptor))
            {
                var max = details.Unpack<MaximumAppendSizeExceeded>().MaxAppendSize;
                return new MaximumAppendSizeExceededException(streamId, max, $"Append to stream '{streamId}' exceeds the server's maximum append size of {max} bytes.");
            }
            if (details.Is(MaximumAppendEventSizeExceeded.Descriptor))
            {
                var e = details.Unpack<MaximumAppendEventSizeExceeded>();
                return new MaximumAppendSizeExceededException(streamId, e.MaxAppendEventSize, $"Event {e.EventId} ({e.ProposedEventSize} bytes) appended to stream '{streamId}' exceeds the server's maximum event size of {e.MaxAppendEventSize} bytes.");
            }
            if (details.Is(BadRequest.Descriptor))
                return new EventStoreException($"Append to stream '{streamId}' was rejected as a bad request: {details.Unpack<BadRequest>().Message}");
        }

        if (error.Code is Code.Ok or Code.Unavailable or Code.DeadlineExceeded)
        {
            var transient = new EventStoreUnavailableException($"Append to stream '{streamId}' failed transiently: {error.Message}");
            if (error.Message is "Server Is Not Ready" or "Server Is Too Busy") MarkNothingWritten(transient);
            return transient;
        }
        return new EventStoreException($"Append to stream '{streamId}' failed: {error.Code} {error.Message}");
    }
}
