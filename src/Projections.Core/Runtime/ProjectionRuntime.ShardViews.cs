using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Every shard of a sharded projection as the lease rounds see it (for <c>/api/projections</c>, the dashboard and readers of
/// another host's keys): writer, epoch, status, checkpoint, lag, and when the checkpoint last moved.
/// </summary>
public sealed partial class ProjectionRuntime
{
    private volatile IReadOnlyList<ShardView> _shardViews = [];
    // Per shard of the active generation: the checkpoint last read and when a round first saw it there (null: not seen moving yet).
    private CheckpointMoves _checkpointMoves = new(0, [], []);

    private sealed record CheckpointMoves(int Generation, GlobalPosition?[] Positions, DateTimeOffset?[] MovedAt);

    public IReadOnlyList<ShardView> Shards => _generations.ActiveShards > 1 ? _shardViews : [];

    public ShardView? ShardOf(string key) =>
        _generations.ActiveShards is > 1 and var n && _shardViews is { Count: > 0 } views && KeyHash.Shard(key, n) is var shard && shard < views.Count
            ? views[shard] : null;

    /// <summary>Each shard's lease and checkpoint as stored (one lease read and one checkpoint read per shard). Caller holds the round.</summary>
    private async Task<IReadOnlyList<ShardView>> ReadShardViews(ProjectionGenerations generations, List<HostRecord> hosts, CancellationToken ct)
    {
        var leases = await _leases.ReadLeases(Name, ct).ConfigureAwait(false);
        var head = ServingPipelines().Select(p => p.Head).Max() ?? await ReadHead(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var moves = _checkpointMoves.Generation == generations.Active && _checkpointMoves.Positions.Length == generations.ActiveShards
            ? _checkpointMoves
            : new CheckpointMoves(generations.Active, new GlobalPosition?[generations.ActiveShards], new DateTimeOffset?[generations.ActiveShards]);
        var views = new ShardView[generations.ActiveShards];
        for (var shard = 0; shard < views.Length; shard++)
        {
            var lease = leases.FirstOrDefault(l => l.Key.Generation == generations.Active && l.Key.Shard == shard);
            var owner = lease is { Owner: { } o } && lease.ExpiresAt > now ? o : null;
            var checkpoint = (await _store.LoadCheckpoint(Name, generations.Active, shard, ct).ConfigureAwait(false))?.Position;
            if (moves.Positions[shard] is { } seen && checkpoint is { } current && current != seen) moves.MovedAt[shard] = now;
            moves.Positions[shard] = checkpoint;
            ulong? lag = head is { } h ? h.Commit - Math.Min(h.Commit, checkpoint?.Commit ?? 0) : null;
            views[shard] = new ShardView(shard, owner, hosts.FirstOrDefault(x => x.Id == owner)?.Address, lease?.Epoch ?? 0, owner == _owner, checkpoint, lag)
            {
                Status = StatusOf(shard, owner, generations.Active),
                CheckpointMovedAt = moves.MovedAt[shard],
            };
        }
        _checkpointMoves = moves;
        return views;
    }

    private ShardStatus StatusOf(int shard, string? owner, int generation)
    {
        if (owner is null) return ShardStatus.Unowned;
        if (owner != _owner) return ShardStatus.Elsewhere;
        return ServingShard(shard) is { } p && p.Generation == generation
            ? p.Status switch
            {
                ProjectionStatus.Live => ShardStatus.Live,
                ProjectionStatus.CatchingUp => ShardStatus.CatchingUp,
                ProjectionStatus.Stopped => ShardStatus.Stopped,
                _ => ShardStatus.Starting,
            }
            : ShardStatus.Starting; // leased here, its pipeline not running yet
    }

    /// <summary>A host that serves no shard of the projection reads no head with a pipeline: read it here, so its lag column is not empty.</summary>
    private async Task<GlobalPosition?> ReadHead(CancellationToken ct)
    {
        try { return await _source.ReadHeadPosition(ct).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogDebug(ex, "Projection {Projection}: reading the head for the shard lag failed", Name);
            return null;
        }
    }
}
