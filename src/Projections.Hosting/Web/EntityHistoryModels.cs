using System.Text.Json;
using System.Text.Json.Nodes;
using Projections.Core.Projections;
using Projections.Core.Replay;

namespace Projections.Hosting.Web;

/// <summary>
/// One step of an aggregate's history: <see cref="Kind"/> "event" (with the event's type, stream and
/// position) or "timeout" (with its deadline as <see cref="Time"/>); the state right after it and the fields it changed.
/// </summary>
internal sealed record HistoryEntry(
    int Index,
    string Kind,
    string? EventType,
    string? StreamId,
    ulong? StreamRevision,
    string? Position,
    DateTimeOffset Time,
    long Version,
    DateTimeOffset? TimeoutAt,
    IReadOnlyDictionary<string, string?> Fields,
    JsonElement State,
    IReadOnlyList<FieldChange> Changes)
{
    public static HistoryEntry From(IProjection projection, IReadOnlyList<EntityHistoryStep> steps, int index)
    {
        var (step, json) = (steps[index].Step, steps[index].StateJson);
        var before = index == 0 ? new JsonObject() : JsonNode.Parse(steps[index - 1].StateJson);
        return new HistoryEntry(index, step.Event is null ? "timeout" : "event", step.Event?.EventType ?? "$timeout", step.Event?.StreamId,
            step.Event?.StreamRevision, step.Position?.ToString(), step.Time, step.Version, step.TimeoutAt,
            EntitySummary.ReadFields(projection, step.State), Json.Element(json), JsonDiff.Compare(before, JsonNode.Parse(json)));
    }
}

/// <summary>
/// A page of an aggregate's history, folded up to <see cref="Checkpoint"/> from <see cref="Scanned"/> events.
/// When <see cref="Complete"/> is false the scan hit its limit and <see cref="Message"/> says so.
/// </summary>
internal sealed record EntityHistoryPage(
    string Key,
    string? Checkpoint,
    long Scanned,
    bool Complete,
    string? Message,
    int Total,
    int Skip,
    int Take,
    IReadOnlyList<HistoryEntry> Items);
