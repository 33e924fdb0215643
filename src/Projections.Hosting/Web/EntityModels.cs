using Projections.Hosting.Settings;
using System.Text;
using System.Text.Json;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>One row of the entity browser: the key, versions and the declared fields.</summary>
internal sealed record EntitySummary(
    string Key,
    long Version,
    long PersistedVersion,
    string Position,
    DateTimeOffset? TimeoutAt,
    IReadOnlyDictionary<string, string?> Fields)
{
    public static EntitySummary From(IProjection projection, LiveEntity entity) => new(
        entity.Key, entity.Version, entity.PersistedVersion, entity.Position.ToString(), entity.TimeoutAt,
        ReadFields(projection, entity.State));

    internal static IReadOnlyDictionary<string, string?> ReadFields(IProjection projection, object state) =>
        projection.Fields.ToDictionary(f => f.Name, f => f.Read(state));
}

/// <summary>
/// A page of the entity browser: live aggregates, and <see cref="StoredMatch"/>, the stored document whose
/// key is exactly the key searched for when it is not live (retired or evicted: only the store has it).
/// </summary>
/// <see cref="Next"/> is the cursor of the following page (pass it as <c>after</c>): the last key of a full page, null after a short one.
internal sealed record EntityPageResult(long Total, int Skip, int Take, IReadOnlyList<EntitySummary> Items, StoredEntitySummary? StoredMatch = null,
    string? After = null, string? Next = null);

/// <summary>An aggregate found only in the store. <see cref="Retired"/>: it finished (the projection's RetireWhen holds) and left memory.</summary>
internal sealed record StoredEntitySummary(
    string Key,
    long Version,
    string Position,
    DateTimeOffset? TimeoutAt,
    DateTimeOffset UpdatedAt,
    bool Retired,
    IReadOnlyDictionary<string, string?> Fields)
{
    public static StoredEntitySummary From(IProjection projection, StoredDocument document, object state) => new(
        document.Key, document.Version, document.Position.ToString(), document.TimeoutAt, document.UpdatedAt,
        EntityRetirement.IsRetired(projection, state), EntitySummary.ReadFields(projection, state));
}

/// <summary>Whether an aggregate that is not in memory was retired: its stored state is finished by the projection's rule.</summary>
internal static class EntityRetirement
{
    public static bool IsRetired(IProjection projection, object storedState) =>
        projection.Retirement is { } rule && rule.IsFinished(storedState);
}

/// <summary>
/// An aggregate with its full state, recent events newest first. <see cref="Source"/> is "live" (memory) or
/// "store" (the persisted document); <see cref="Retired"/> when it is not in memory because it finished and retired.
/// </summary>
internal sealed record EntityDetail(
    string Source,
    string Key,
    long Version,
    long? PersistedVersion,
    string Position,
    DateTimeOffset? TimeoutAt,
    DateTimeOffset? UpdatedAt,
    IReadOnlyDictionary<string, string?> Fields,
    JsonElement State,
    IReadOnlyList<AppliedEventSummary> RecentEvents,
    bool Retired = false)
{
    /// <summary>
    /// For a key whose shard another host writes (design.md "Shards"): that host, whose API answers with the live state;
    /// this answer is the store's document at the shard's last checkpoint. Absent otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ShardOwnerSummary? ServedBy { get; init; }

    public static EntityDetail FromLive(IProjection projection, LiveEntity entity) => new(
        "live", entity.Key, entity.Version, entity.PersistedVersion, entity.Position.ToString(), entity.TimeoutAt, null,
        EntitySummary.ReadFields(projection, entity.State),
        Json.Element(projection.SerializeState(entity.State)),
        entity.RecentEvents.OrderByDescending(e => e.Version).ThenByDescending(e => e.Position).Select(AppliedEventSummary.From).ToArray());

    /// <summary>The stored document; <paramref name="live"/> says whether memory holds the aggregate too (then it is not retired, whatever its state).</summary>
    public static EntityDetail FromStore(IProjection projection, StoredDocument document, bool live)
    {
        var state = projection.DeserializeState(document.StateJson);
        return new EntityDetail(
            "store", document.Key, document.Version, document.Version, document.Position.ToString(), document.TimeoutAt, document.UpdatedAt,
            EntitySummary.ReadFields(projection, state),
            Json.Element(document.StateJson.Span),
            [],
            Retired: !live && EntityRetirement.IsRetired(projection, state));
    }
}

/// <summary>The host that writes a key's shard: its id and the address of its API (null when it has none, or nobody holds the shard).</summary>
internal sealed record ShardOwnerSummary(int Shard, string? Host, string? Address);

internal sealed record AppliedEventSummary(string EventType, string StreamId, ulong StreamRevision, string Position, DateTimeOffset Time, long Version)
{
    public static AppliedEventSummary From(AppliedEvent e) =>
        new(e.EventType, e.StreamId, e.StreamRevision, e.Position.ToString(), e.Time, e.Version);
}

/// <summary>One message of an entity's change stream.</summary>
internal sealed record EntityStreamMessage(string Kind, EntityDetail Entity);

/// <summary>A parked event. Data and metadata are text because an undeserializable payload may not be JSON.</summary>
internal sealed record DeadLetterSummary(
    string Position,
    string StreamId,
    ulong StreamRevision,
    Guid EventId,
    string EventType,
    string Data,
    string Metadata,
    string Reason,
    DateTimeOffset ParkedAt)
{
    public static DeadLetterSummary From(DeadLetter letter) => new(
        letter.Position.ToString(), letter.StreamId, letter.StreamRevision, letter.EventId, letter.EventType,
        Encoding.UTF8.GetString(letter.Data.Span), Encoding.UTF8.GetString(letter.Metadata.Span),
        SecretRedactor.Redact(letter.Reason) ?? "", letter.ParkedAt);
}
