using System.Text;
using System.Text.Json;

namespace Projections.Hosting.Web;

/// <summary>One Server-Sent Event, serialized once, with the versions it shows so a stream can skip a state older than what it sent.</summary>
internal sealed record FeedMessage(byte[] Bytes, long Version, long PersistedVersion)
{
    public static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    public static FeedMessage Create(string kind, EntityDetail entity, JsonSerializerOptions serializer)
    {
        var payload = JsonSerializer.Serialize(new EntityStreamMessage(kind, entity), serializer);
        return new FeedMessage(Encoding.UTF8.GetBytes($"event: entity\ndata: {payload}\n\n"), entity.Version, entity.PersistedVersion ?? -1);
    }

    /// <summary>True when this message shows an earlier state than <paramref name="sent"/>.</summary>
    public bool IsOlderThan(FeedMessage sent) =>
        Version < sent.Version || (Version == sent.Version && PersistedVersion < sent.PersistedVersion);
}
