using System.Text.Json.Nodes;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Hosting.Web;

namespace Projections.Hosting.Preview;

/// <summary>What a diff lists: documents whose key contains <see cref="Key"/> and, when <see cref="Field"/> is set, with a differing field whose path contains it (both case-insensitive).</summary>
internal sealed record DiffQuery(string? Key, string? Field, int Skip, int Take);

/// <summary>One document that differs: added (only in the preview), removed (only in the active generation) or changed, with its fields (old → new).</summary>
internal sealed record DocumentDiff(string Key, string Change, IReadOnlyList<FieldChange> Fields);

/// <summary>
/// The active generation against the preview, compared as of the lower of their two checkpoints: a
/// document touched after it in either generation (or whose timeout may have fired in one only) is
/// <see cref="Pending"/>, not compared. Checkpoints are positions as text ("4711", or "commit/prepare" on EventStoreDB), as elsewhere in the API, since both follow live events at their own pace.
/// </summary>
internal sealed record DiffReport(
    string Projection, int ActiveGeneration, int PreviewGeneration, string? ActiveCheckpoint, string? PreviewCheckpoint,
    long Added, long Removed, long Changed, long Unchanged, long Pending, long Matching, IReadOnlyList<DocumentDiff> Documents);

/// <summary>
/// Compares the active generation with the preview (design.md "Preview generations"). Holds the active
/// generation's documents in memory while it reads the preview's. Both generations keep flushing while
/// their documents are read, so a document may be newer than the checkpoint read before it: a newer event
/// shows in its position (compared with the checkpoints read before), but a timeout that fired does not,
/// so deadlines are judged against the stream time of the checkpoints read after.
/// </summary>
internal static class GenerationDiff
{
    public static async Task<DiffReport> Compute(IProjectionStore store, string projection, DiffQuery query, CancellationToken ct)
    {
        var generations = await store.ReadGenerations(projection, ct).ConfigureAwait(false);
        var preview = PreviewGenerations.Require(generations, projection, "diff");
        var (activeCheckpoint, previewCheckpoint) = await Checkpoints(store, projection, generations.Active, preview, ct).ConfigureAwait(false);
        var common = Min(activeCheckpoint?.Position ?? GlobalPosition.Start, previewCheckpoint?.Position ?? GlobalPosition.Start);

        var active = new Dictionary<string, StoredDocument>(StringComparer.Ordinal);
        await foreach (var doc in store.LoadAllDocuments(projection, generations.Active, ct).ConfigureAwait(false)) active[doc.Key] = doc;

        long pending = 0;
        var compared = new List<Comparison>();
        await foreach (var next in store.LoadAllDocuments(projection, preview, ct).ConfigureAwait(false))
        {
            active.Remove(next.Key, out var before);
            if (next.Position > common || before is not null && before.Position > common) { pending++; continue; }
            var fields = JsonDiff.Compare(before is null ? new JsonObject() : Parse(before), Parse(next));
            var deadline = Earliest(next.TimeoutAt, before?.TimeoutAt);
            if (before is not null && fields.Count == 0) compared.Add(new Comparison(null, deadline));
            else compared.Add(new Comparison(new DocumentDiff(next.Key, before is null ? "added" : "changed", fields), deadline));
        }
        foreach (var gone in active.Values)
        {
            if (gone.Position > common) { pending++; continue; }
            compared.Add(new Comparison(new DocumentDiff(gone.Key, "removed", JsonDiff.Compare(Parse(gone), new JsonObject())), gone.TimeoutAt));
        }

        // A timeout due by the later stream time either generation has reached since may have fired in one only.
        var (activeNow, previewNow) = await Checkpoints(store, projection, generations.Active, preview, ct).ConfigureAwait(false);
        var reached = Max(Max(activeCheckpoint?.StreamTime, previewCheckpoint?.StreamTime), Max(activeNow?.StreamTime, previewNow?.StreamTime));
        long added = 0, removed = 0, changed = 0, unchanged = 0;
        var differing = new List<DocumentDiff>();
        foreach (var c in compared)
        {
            if (c.Deadline <= reached) pending++;
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
        return new DiffReport(projection, generations.Active, preview, activeCheckpoint?.Position.ToString(), previewCheckpoint?.Position.ToString(),
            added, removed, changed, unchanged, pending, matching.Count, page);
    }

    /// <summary>A document compared as of the common checkpoint: its differences (none when equal) and the earliest deadline either side holds.</summary>
    private sealed record Comparison(DocumentDiff? Diff, DateTimeOffset? Deadline);

    private static async Task<(ProjectionCheckpoint? Active, ProjectionCheckpoint? Preview)> Checkpoints(
        IProjectionStore store, string projection, int active, int preview, CancellationToken ct) =>
        (await store.LoadCheckpoint(projection, active, ct).ConfigureAwait(false), await store.LoadCheckpoint(projection, preview, ct).ConfigureAwait(false));

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
