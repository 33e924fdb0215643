using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Replay;

/// <summary>
/// What checking a sample found: <see cref="Checked"/> keys compared, <see cref="InFlight"/> keys left out
/// because a write was under way (stored ahead of the checkpoint, or rewritten while being checked).
/// </summary>
public sealed record SampleCheckResult(GlobalPosition? Checkpoint, int Checked, int InFlight, IReadOnlyList<VerificationMismatch> Mismatches);

/// <summary>
/// <c>verify</c> for a few keys while a host writes the generation: each key's stored document is compared
/// with the reference fold of the events up to the checkpoint. A running pipeline writes documents before
/// (or with) their checkpoint, so a key is compared only when it is stored, its document is not ahead of the
/// checkpoint read after it, and it is the same document after the fold (otherwise it is counted in flight, not
/// as a mismatch).
/// </summary>
public static class SampleVerifier
{
    public static async Task<SampleCheckResult> Check(IProjection projection, IEventSource source, IProjectionStore store, int generation,
        IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var shards = (await store.ReadGenerations(projection.Name, cancellationToken).ConfigureAwait(false)).ShardsOf(generation);
        if (shards == 1) return await CheckShard(projection, source, store, generation, 0, keys, cancellationToken).ConfigureAwait(false);
        // Each key against its own shard's checkpoint (design.md "Shards"); the result's checkpoint is the lowest shard's.
        var results = new List<SampleCheckResult>();
        foreach (var group in keys.GroupBy(k => KeyHash.Shard(k, shards)))
            results.Add(await CheckShard(projection, source, store, generation, group.Key, group.ToArray(), cancellationToken).ConfigureAwait(false));
        return new SampleCheckResult(results.Any(r => r.Checkpoint is null) ? null : results.Min(r => r.Checkpoint),
            results.Sum(r => r.Checked), results.Sum(r => r.InFlight), results.SelectMany(r => r.Mismatches).ToArray());
    }

    private static async Task<SampleCheckResult> CheckShard(IProjection projection, IEventSource source, IProjectionStore store, int generation, int shard,
        IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var before = await Load(store, projection.Name, generation, keys, cancellationToken).ConfigureAwait(false);
        // Read after the documents: every flush that wrote one of them has its checkpoint (or a later one) by now.
        var checkpoint = await store.LoadCheckpoint(projection.Name, generation, shard, cancellationToken).ConfigureAwait(false);
        if (checkpoint is null) return new SampleCheckResult(null, 0, before.Count, []);
        // A key not stored yet has nothing to compare: its first flush is under way.
        var comparable = before.Where(d => d.Value is { } doc && doc.Position <= checkpoint.Position).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);

        var parked = await ProjectionVerifier.ParkedPositions(store, projection.Name, generation, cancellationToken).ConfigureAwait(false);
        var replayer = new ProjectionReplayer(projection, parked, onlyKeys: comparable);
        await foreach (var e in source.ReadAllForward(null, projection.Filter, cancellationToken).ConfigureAwait(false))
        {
            if (e.Position > checkpoint.Position) break;
            replayer.Apply(e);
        }
        if (checkpoint.StreamTime is { } t) replayer.AdvanceStreamTime(t);
        var expected = replayer.ToResult();

        var after = await Load(store, projection.Name, generation, comparable, cancellationToken).ConfigureAwait(false);
        var mismatches = new List<VerificationMismatch>();
        var checkedKeys = 0;
        foreach (var key in comparable.Order(StringComparer.Ordinal))
        {
            var document = before[key]!;
            if (!Same(document, after[key])) continue;
            checkedKeys++;
            var want = expected.Aggregates.TryGetValue(key, out var aggregate)
                ? new Dictionary<string, ReplayedAggregate>(StringComparer.Ordinal) { [key] = aggregate }
                : new Dictionary<string, ReplayedAggregate>(StringComparer.Ordinal);
            mismatches.AddRange(ProjectionVerifier.Compare(projection, expected with { Aggregates = want }, [document]));
        }
        return new SampleCheckResult(checkpoint.Position, checkedKeys, keys.Count - checkedKeys, mismatches);
    }

    private static async Task<Dictionary<string, StoredDocument?>> Load(IProjectionStore store, string projection, int generation, IEnumerable<string> keys, CancellationToken ct)
    {
        var documents = new Dictionary<string, StoredDocument?>(StringComparer.Ordinal);
        foreach (var key in keys) documents[key] = await store.LoadDocument(projection, generation, key, ct).ConfigureAwait(false);
        return documents;
    }

    private static bool Same(StoredDocument a, StoredDocument? b) =>
        b is not null && a.Version == b.Version && a.Position == b.Position && a.StateJson.Span.SequenceEqual(b.StateJson.Span);
}
