using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>The checkpoints of every shard of one generation, read from the store (null where a shard has written none yet).</summary>
public static class ShardCheckpoints
{
    public static async Task<IReadOnlyList<ProjectionCheckpoint?>> Load(IProjectionStore store, string projection, int generation, int shards, CancellationToken ct)
    {
        var checkpoints = new ProjectionCheckpoint?[Math.Max(shards, 1)];
        for (var shard = 0; shard < checkpoints.Length; shard++)
            checkpoints[shard] = await store.LoadCheckpoint(projection, generation, shard, ct).ConfigureAwait(false);
        return checkpoints;
    }
}
