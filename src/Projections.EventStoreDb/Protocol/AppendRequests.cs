using Google.Protobuf;
using Projections.Core.Events;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Protocol;

/// <summary>Builds the Append and BatchAppend request messages.</summary>
internal static class AppendRequests
{
    public const string JsonContentType = "application/json";

    public static AppendReq Options(string streamId, ExpectedRevision expected)
    {
        var options = new AppendReq.Types.Options { StreamIdentifier = ReadRequests.Stream(streamId) };
        switch (expected.Type)
        {
            case ExpectedRevision.Kind.Any: options.Any = new Shared.Empty(); break;
            case ExpectedRevision.Kind.NoStream: options.NoStream = new Shared.Empty(); break;
            case ExpectedRevision.Kind.StreamExists: options.StreamExists = new Shared.Empty(); break;
            default: options.Revision = expected.Revision; break;
        }
        return new AppendReq { Options = options };
    }

    public static AppendReq Message(EventData e)
    {
        var message = new AppendReq.Types.ProposedMessage
        {
            Id = Uuids.ToUuid(e.EventId),
            Data = ByteString.CopyFrom(e.Data.Span),
            CustomMetadata = ByteString.CopyFrom(e.Metadata.Span),
        };
        message.Metadata.Add("type", e.EventType);
        message.Metadata.Add("content-type", JsonContentType);
        return new AppendReq { ProposedMessage = message };
    }

    /// <summary>One BatchAppend request carrying the whole append (options, events and is_final).</summary>
    public static BatchAppendReq Batch(Guid correlationId, AppendRequest request, TimeSpan? deadline)
    {
        var options = new BatchAppendReq.Types.Options { StreamIdentifier = ReadRequests.Stream(request.StreamId) };
        var expected = request.Expected;
        switch (expected.Type)
        {
            case ExpectedRevision.Kind.Any: options.Any = new Google.Protobuf.WellKnownTypes.Empty(); break;
            case ExpectedRevision.Kind.NoStream: options.NoStream = new Google.Protobuf.WellKnownTypes.Empty(); break;
            case ExpectedRevision.Kind.StreamExists: options.StreamExists = new Google.Protobuf.WellKnownTypes.Empty(); break;
            default: options.StreamPosition = expected.Revision; break;
        }
        // The server always applies its own write timeout (2 s by default) as an upper bound.
        options.Deadline21100 = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(
            deadline is { } d ? DateTime.UtcNow + d : DateTime.MaxValue.ToUniversalTime());

        var batch = new BatchAppendReq { CorrelationId = Uuids.ToUuid(correlationId), Options = options, IsFinal = true };
        foreach (var e in request.Events)
        {
            var message = new BatchAppendReq.Types.ProposedMessage
            {
                Id = Uuids.ToUuid(e.EventId),
                Data = ByteString.CopyFrom(e.Data.Span),
                CustomMetadata = ByteString.CopyFrom(e.Metadata.Span),
            };
            message.Metadata.Add("type", e.EventType);
            message.Metadata.Add("content-type", JsonContentType);
            batch.ProposedMessages.Add(message);
        }
        return batch;
    }
}
