using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Replay;

public enum MismatchKind { Missing, Extra, State, Version, Position, Timeout }

/// <summary>One difference between the reference fold and the store.</summary>
public sealed record VerificationMismatch(string Key, MismatchKind Kind, string Detail)
{
    public override string ToString() => $"{Kind} {Key}: {Detail}";
}

public sealed record VerificationResult(string Projection, int Generation, GlobalPosition? Checkpoint, int Expected, int Stored, IReadOnlyList<VerificationMismatch> Mismatches)
{
    public bool Ok => Mismatches.Count == 0;
}

/// <summary>
/// Recomputes a projection from the events up to a generation's checkpoint and compares it with the
/// stored documents. Run it while that generation is not being written (documents may be ahead of the
/// checkpoint while a pipeline runs).
/// </summary>
public static class ProjectionVerifier
{
    /// <summary>
    /// Verifies <paramref name="generation"/> (the active one when null). A sharded generation is verified shard by shard:
    /// each key against the fold of the events up to <b>its shard's</b> checkpoint, so a shard that lags is not a mismatch
    /// (the result's checkpoint is then the lowest shard's).
    /// </summary>
    public static async Task<VerificationResult> Verify(IProjection projection, IEventSource source, IProjectionStore store, int? generation, CancellationToken cancellationToken)
    {
        var generations = await store.EnsureProjection(projection.Name, projection.Indexes, cancellationToken).ConfigureAwait(false);
        var g = generation ?? generations.Active;
        var shards = generations.ShardsOf(g);
        var parked = await ParkedPositions(store, projection.Name, g, cancellationToken).ConfigureAwait(false);
        var stored = new List<StoredDocument>();
        await foreach (var d in store.LoadAllDocuments(projection.Name, g, cancellationToken).ConfigureAwait(false)) stored.Add(d);

        var mismatches = new List<VerificationMismatch>();
        int expectedCount = 0;
        GlobalPosition? lowest = null;
        for (var shard = 0; shard < shards; shard++)
        {
            var checkpoint = await store.LoadCheckpoint(projection.Name, g, shard, cancellationToken).ConfigureAwait(false);
            var expected = checkpoint is null
                ? new ReplayResult(new Dictionary<string, ReplayedAggregate>(), null, null, [])
                : await ProjectionReplayer.Replay(projection, source, checkpoint.Position, checkpoint.StreamTime, cancellationToken, parked).ConfigureAwait(false);
            if (shards > 1)
                expected = expected with
                {
                    Aggregates = expected.Aggregates.Where(a => KeyHash.Shard(a.Key, shards) == shard).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
                };
            expectedCount += expected.Aggregates.Count;
            mismatches.AddRange(Compare(projection, expected, shards == 1 ? stored : stored.Where(d => KeyHash.Shard(d.Key, shards) == shard)));
            if (shard == 0 || checkpoint is null || (lowest is { } low && checkpoint.Position < low)) lowest = checkpoint?.Position;
        }
        return new VerificationResult(projection.Name, g, lowest, expectedCount, stored.Count, mismatches);
    }

    /// <summary>Events the generation parked (by policy or by the operator) are parked in the reference fold too.</summary>
    internal static async Task<IReadOnlySet<GlobalPosition>> ParkedPositions(IProjectionStore store, string projection, int generation, CancellationToken ct)
    {
        const int page = 1000;
        var positions = new HashSet<GlobalPosition>();
        for (var skip = 0; ; skip += page)
        {
            var letters = await store.ReadDeadLetters(projection, generation, skip, page, ct).ConfigureAwait(false);
            foreach (var letter in letters) positions.Add(letter.Position);
            if (letters.Count < page) return positions;
        }
    }

    /// <summary>Compares a reference fold with stored documents; states are compared after a round trip through the projection's serializer.</summary>
    public static IReadOnlyList<VerificationMismatch> Compare(IProjection projection, ReplayResult expected, IEnumerable<StoredDocument> stored)
    {
        var mismatches = new List<VerificationMismatch>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in stored.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            seen.Add(doc.Key);
            if (!expected.Aggregates.TryGetValue(doc.Key, out var want))
            {
                mismatches.Add(new(doc.Key, MismatchKind.Extra, $"stored at version {doc.Version} but the events do not produce it"));
                continue;
            }
            if (doc.Version != want.Version) mismatches.Add(new(doc.Key, MismatchKind.Version, $"expected {want.Version}, stored {doc.Version}"));
            if (doc.Position != want.Position) mismatches.Add(new(doc.Key, MismatchKind.Position, $"expected {want.Position}, stored {doc.Position}"));
            if (doc.TimeoutAt != want.TimeoutAt) mismatches.Add(new(doc.Key, MismatchKind.Timeout, $"expected {Show(want.TimeoutAt)}, stored {Show(doc.TimeoutAt)}"));
            var actual = Canonical(projection, doc.StateJson, out var error);
            if (actual is null) mismatches.Add(new(doc.Key, MismatchKind.State, $"stored state cannot be read: {error}"));
            else if (!actual.AsSpan().SequenceEqual(want.StateJson))
                mismatches.Add(new(doc.Key, MismatchKind.State, $"expected {Text(want.StateJson)}, stored {Text(actual)}"));
        }
        foreach (var key in expected.Aggregates.Keys.Where(k => !seen.Contains(k)).Order(StringComparer.Ordinal))
            mismatches.Add(new(key, MismatchKind.Missing, $"the events produce version {expected.Aggregates[key].Version} but nothing is stored"));
        return mismatches;
    }

    private static byte[]? Canonical(IProjection projection, ReadOnlyMemory<byte> json, out string? error)
    {
        try
        {
            error = null;
            return projection.SerializeState(projection.DeserializeState(json));
        }
        catch (Exception ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private static string Show(DateTimeOffset? t) => t?.ToString("O") ?? "none";

    private static string Text(byte[] json) => System.Text.Encoding.UTF8.GetString(json);
}
