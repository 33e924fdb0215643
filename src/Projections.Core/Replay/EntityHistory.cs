using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Replay;

/// <summary>One step of an aggregate's history with its state serialized right after it.</summary>
public sealed record EntityHistoryStep(ReplayStep Step, byte[] StateJson);

/// <summary>
/// An aggregate's history up to a generation's checkpoint. <see cref="Complete"/> is false when the scan
/// stopped at its limit before the checkpoint (the steps are then only the first part of the history).
/// </summary>
public sealed record EntityHistoryResult(string Key, GlobalPosition? Checkpoint, long Scanned, bool Complete, IReadOnlyList<EntityHistoryStep> Steps);

/// <summary>
/// Folds one aggregate on demand with the reference fold, from a filtered read of the events up to the
/// checkpoint: every applied event and fired timeout, oldest first. The whole filtered log is read (not
/// only the aggregate's stream) because stream time, which decides when timeouts fire, comes from every
/// event the projection reads.
/// </summary>
public static class EntityHistory
{
    public static async Task<EntityHistoryResult> Read(IProjection projection, IEventSource source, IProjectionStore store, int generation, string key,
        long maxScanned, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxScanned);
        // Up to the checkpoint of the key's own shard: other shards' checkpoints say nothing about this key.
        var shards = (await store.ReadGenerations(projection.Name, cancellationToken).ConfigureAwait(false)).ShardsOf(generation);
        var checkpoint = await store.LoadCheckpoint(projection.Name, generation, KeyHash.Shard(key, shards), cancellationToken).ConfigureAwait(false);
        if (checkpoint is null) return new EntityHistoryResult(key, null, 0, true, []);
        var parked = await ProjectionVerifier.ParkedPositions(store, projection.Name, generation, cancellationToken).ConfigureAwait(false);
        var steps = new List<EntityHistoryStep>();
        var replayer = new ProjectionReplayer(projection, parked, new ReplayFocus(key, step => steps.Add(new(step, projection.SerializeState(step.State)))));
        long scanned = 0;
        await foreach (var e in source.ReadAllForward(null, projection.Filter, cancellationToken).ConfigureAwait(false))
        {
            if (e.Position > checkpoint.Position) break;
            if (scanned == maxScanned) return new EntityHistoryResult(key, checkpoint.Position, scanned, false, steps);
            scanned++;
            replayer.Apply(e);
        }
        if (checkpoint.StreamTime is { } t) replayer.AdvanceStreamTime(t);
        return new EntityHistoryResult(key, checkpoint.Position, scanned, true, steps);
    }
}
