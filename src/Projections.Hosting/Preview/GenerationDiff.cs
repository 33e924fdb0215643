using System.Text.Json.Nodes;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Hosting.Web;

namespace Projections.Hosting.Preview;

/// <summary>What a diff lists: documents whose key contains <see cref="Key"/> and, when <see cref="Field"/> is set, with a differing field whose path contains it (both case-insensitive).</summary>
internal sealed record DiffQuery(string? Key, string? Field, int Skip, int Take);

/// <summary>One document that differs: added (only in the preview), removed (only in the active generation) or changed, with its fields (old → new).</summary>
internal sealed record DocumentDiff(string Key, string Change, IReadOnlyList<FieldChange> Fields);

/// <summary>
/// The active generation against the preview, each document compared as of the lower of its two shards' checkpoints (its
/// shard in each generation; one checkpoint each when unsharded): a document touched after it in either generation (or
/// whose timeout may have fired in one only) is <see cref="Pending"/>, not compared. The checkpoints shown are each
/// generation's slowest shard's, as positions as text ("4711", or "commit/prepare" on EventStoreDB), as elsewhere in the API, since both follow live events at their own pace.
/// </summary>
internal sealed record DiffReport(
    string Projection, int ActiveGeneration, int PreviewGeneration, string? ActiveCheckpoint, string? PreviewCheckpoint,
    long Added, long Removed, long Changed, long Unchanged, long Pending, long Matching, IReadOnlyList<DocumentDiff> Documents);

/// <summary>
/// Compares the active generation with the preview (design.md "Preview generations"). Holds the active
/// generation's documents in memory while it reads the preview's. Both generations keep flushing while
/// their documents are read, so a document may be newer than the checkpoints read before it: a newer event
/// shows in its position (compared with the checkpoints read before), but a timeout that fired does not,
/// so deadlines are judged against the stream time of the checkpoints read after. With shards, a document is
/// judged by the checkpoints of the shards its key routes to (<see cref="KeyHash.Shard"/>), since each shard flushes at its own pace.
/// </summary>
internal static class GenerationDiff
{
    public static async Task<DiffReport> Compute(IProjectionStore store, string projection, DiffQuery query, CancellationToken ct)
    {
        var generations = await store.ReadGenerations(projection, ct).ConfigureAwait(false);
        var preview = PreviewGenerations.Require(generations, projection, "diff");
        var before = await DiffCheckpoints.Read(store, projection, generations, ct).ConfigureAwait(false);

        var active = new Dictionary<string, StoredDocument>(StringComparer.Ordinal);
        await foreach (var doc in store.LoadAllDocuments(projection, generations.Active, ct).ConfigureAwait(false)) active[doc.Key] = doc;

        long pending = 0;
        var compared = new List<Comparison>();
        await foreach (var next in store.LoadAllDocuments(projection, preview, ct).ConfigureAwait(false))
        {
            active.Remove(next.Key, out var previous);
            var common = before.Common(next.Key);
            if (next.Position > common || previous is not null && previous.Position > common) { pending++; continue; }
            var fields = JsonDiff.Compare(previous is null ? new JsonObject() : Parse(previous), Parse(next));
            var deadline = Earliest(next.TimeoutAt, previous?.TimeoutAt);
            if (previous is not null && fields.Count == 0) compared.Add(new Comparison(next.Key, null, deadline));
            else compared.Add(new Comparison(next.Key, new DocumentDiff(next.Key, previous is null ? "added" : "changed", fields), deadline));
        }
        foreach (var gone in active.Values)
        {
            if (gone.Position > before.Common(gone.Key)) { pending++; continue; }
            compared.Add(new Comparison(gone.Key, new DocumentDiff(gone.Key, "removed", JsonDiff.Compare(Parse(gone), new JsonObject())), gone.TimeoutAt));
        }

        // A timeout due by the later stream time either of the key's shards has reached since may have fired in one generation only.
        var after = await DiffCheckpoints.Read(store, projection, generations, ct).ConfigureAwait(false);
        long added = 0, removed = 0, changed = 0, unchanged = 0;
        var differing = new List<DocumentDiff>();
        foreach (var c in compared)
        {
            if (c.Deadline <= Max(before.StreamTime(c.Key), after.StreamTime(c.Key))) pending++;
            else if (c.Diff is not { } diff) unchanged++;
            else
            {
                if (diff.Change == "added") added++;
                else if (diff.Change == "removed") removed++;
                else changed++;
                differing.Add(diff);
            }
        }

        var matching = differing.Where(d => Matches(d, query)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        var page = matching.Skip(query.Skip).Take(query.Take).Select(d => Narrow(d, query.Field)).ToList();
        return new DiffReport(projection, generations.Active, preview, DiffCheckpoints.Slowest(before.Active)?.ToString(), DiffCheckpoints.Slowest(before.Preview)?.ToString(),
            added, removed, changed, unchanged, pending, matching.Count, page);
    }

    /// <summary>A document compared as of its shards' common checkpoint: its differences (none when equal) and the earliest deadline either side holds.</summary>
    private sealed record Comparison(string Key, DocumentDiff? Diff, DateTimeOffset? Deadline);

    /// <summary>Every shard's checkpoint of both generations, read at one moment; a key is judged by the two shards it routes to.</summary>
    private sealed record DiffCheckpoints(IReadOnlyList<ProjectionCheckpoint?> Active, IReadOnlyList<ProjectionCheckpoint?> Preview)
    {
        public static async Task<DiffCheckpoints> Read(IProjectionStore store, string projection, ProjectionGenerations generations, CancellationToken ct) =>
            new(await ShardCheckpoints.Load(store, projection, generations.Active, generations.ActiveShards, ct).ConfigureAwait(false),
                await ShardCheckpoints.Load(store, projection, generations.Building!.Value, generations.BuildingShards, ct).ConfigureAwait(false));

        /// <summary>The lower of the key's two shards' checkpoints: both generations have applied every event of the key up to it.</summary>
        public GlobalPosition Common(string key) => Min(Of(Active, key)?.Position ?? GlobalPosition.Start, Of(Preview, key)?.Position ?? GlobalPosition.Start);

        /// <summary>The later stream time either of the key's shards has persisted.</summary>
        public DateTimeOffset? StreamTime(string key) => Max(Of(Active, key)?.StreamTime, Of(Preview, key)?.StreamTime);

        /// <summary>The slowest shard's position, none while a shard has no checkpoint (as status shows a sharded projection).</summary>
        public static GlobalPosition? Slowest(IReadOnlyList<ProjectionCheckpoint?> shards) =>
            shards.Any(c => c is null) ? null : shards.Min(c => c!.Position);

        private static ProjectionCheckpoint? Of(IReadOnlyList<ProjectionCheckpoint?> shards, string key) => shards[KeyHash.Shard(key, shards.Count)];
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static bool Matches(DocumentDiff diff, DiffQuery query) =>
        (string.IsNullOrEmpty(query.Key) || diff.Key.Contains(query.Key, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(query.Field) || diff.Fields.Any(f => f.Path.Contains(query.Field, StringComparison.OrdinalIgnoreCase)));

    /// <summary>With a field filter, a document lists only the matching fields.</summary>
    private static DocumentDiff Narrow(DocumentDiff diff, string? field) =>
        string.IsNullOrEmpty(field) ? diff : diff with { Fields = diff.Fields.Where(f => f.Path.Contains(field, StringComparison.OrdinalIgnoreCase)).ToList() };

    private static JsonNode? Parse(StoredDocument doc) => JsonNode.Parse(doc.StateJson.Span);

    private static GlobalPosition Min(GlobalPosition a, GlobalPosition b) => a <= b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
