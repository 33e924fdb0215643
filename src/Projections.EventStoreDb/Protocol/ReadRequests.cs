using Google.Protobuf;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Protocol.Shared;
using Projections.EventStoreDb.Protocol.Streams;
using Options = Projections.EventStoreDb.Protocol.Streams.ReadReq.Types.Options;

namespace Projections.EventStoreDb.Protocol;

/// <summary>Builds Streams.Read requests. Every request sets uuid_option: without it the server hangs.</summary>
internal static class ReadRequests
{
    public static ReadReq SubscribeToAll(GlobalPosition? after, EventFilter filter) =>
        AllRequest(after, filter, o => o.Subscription = new Options.Types.SubscriptionOptions());

    public static ReadReq ReadAllForward(GlobalPosition? from, EventFilter filter, ulong count) =>
        AllRequest(from, filter, o => o.Count = count);

    public static ReadReq ReadLastOfAll() => new()
    {
        Options = new Options
        {
            All = new Options.Types.AllOptions { End = new Empty() },
            ReadDirection = Options.Types.ReadDirection.Backwards,
            Count = 1,
            NoFilter = new Empty(),
            UuidOption = StructuredIds(),
        },
    };

    public static ReadReq ReadStreamForward(string streamId, ulong fromRevision, ulong count) => new()
    {
        Options = new Options
        {
            Stream = new Options.Types.StreamOptions { StreamIdentifier = Stream(streamId), Revision = fromRevision },
            ReadDirection = Options.Types.ReadDirection.Forwards,
            Count = count,
            NoFilter = new Empty(),
            UuidOption = StructuredIds(),
        },
    };

    /// <summary>
    /// Null and <see cref="GlobalPosition.Start"/> both mean "from the first event" (the start option,
    /// which every server version handles the same); anything else is sent as a position.
    /// </summary>
    internal static Options.Types.AllOptions AllPosition(GlobalPosition? position) =>
        position is { } p && p != GlobalPosition.Start
            ? new Options.Types.AllOptions { Position = new Options.Types.Position { CommitPosition = p.Commit, PreparePosition = p.Prepare } }
            : new Options.Types.AllOptions { Start = new Empty() };

    public static StreamIdentifier Stream(string streamId) => new() { StreamName = ByteString.CopyFromUtf8(streamId) };

    private static ReadReq AllRequest(GlobalPosition? position, EventFilter filter, Action<Options> setCount)
    {
        var options = new Options
        {
            All = AllPosition(position),
            ReadDirection = Options.Types.ReadDirection.Forwards,
            ResolveLinks = false,
            UuidOption = StructuredIds(),
        };
        setCount(options);
        if (ServerFilter.Build(filter) is { } serverFilter) options.Filter = serverFilter;
        else options.NoFilter = new Empty();
        return new ReadReq { Options = options };
    }

    private static Options.Types.UUIDOption StructuredIds() => new() { Structured = new Empty() };
}
