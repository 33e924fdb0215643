using System.Globalization;
using Projections.Core.Events;
using Projections.EventStoreDb.Protocol.Streams;
using WireEvent = Projections.EventStoreDb.Protocol.Streams.ReadResp.Types.ReadEvent.Types.RecordedEvent;

namespace Projections.EventStoreDb.Protocol;

/// <summary>Converts the server's read events into the Core's <see cref="RecordedEvent"/>.</summary>
internal static class RecordedEvents
{
    public static RecordedEvent? From(ReadResp.Types.ReadEvent readEvent)
    {
        // Links are not resolved, so the record read is always in Event; a missing one carries nothing to apply.
        var e = readEvent.Event;
        if (e is null) return null;
        return new RecordedEvent(
            e.StreamIdentifier.StreamName.ToStringUtf8(),
            e.StreamRevision,
            new GlobalPosition(e.CommitPosition, e.PreparePosition),
            Uuids.ToGuid(e.Id),
            e.Metadata.TryGetValue("type", out var type) ? type : "",
            e.Data.Memory,
            e.CustomMetadata.Memory,
            Created(e));
    }

    public static GlobalPosition PositionOf(WireEvent e) => new(e.CommitPosition, e.PreparePosition);

    /// <summary>The "created" metadata is 100-ns ticks since the Unix epoch.</summary>
    private static DateTimeOffset Created(WireEvent e) =>
        e.Metadata.TryGetValue("created", out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks)
            ? new DateTimeOffset(DateTime.UnixEpoch.Ticks + ticks, TimeSpan.Zero)
            : DateTimeOffset.UnixEpoch;
}
