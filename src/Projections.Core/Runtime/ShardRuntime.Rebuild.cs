using Microsoft.Extensions.Logging;
using Projections.Core.Pipeline;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Rebuild (design.md "Rebuild"): generation g+1 is built beside g, then becomes active and g is dropped.
/// The store records the rebuild, so it is carried out once by whichever host holds g+1's lease, and
/// every other host follows the switch.
/// </summary>
internal sealed partial class ShardRuntime
{
    /// <summary>Starts the pipeline of the generation being built from its checkpoint and arranges the switch. Caller holds the lifecycle lock.</summary>
    private async Task StartBuilding(int generation, TakenLease lease, bool preview, CancellationToken ct)
    {
        var target = await _source.ReadHeadPosition(ct).ConfigureAwait(false);
        var state = new RebuildState(target, _time.GetUtcNow(), preview);
        var building = await StartPipeline(generation, lease, ct).ConfigureAwait(false);
        _rebuild = state;
        _building = building;
        state.Switch = Task.Run(() => SwitchWhenCaughtUp(building, state), CancellationToken.None);
    }

    /// <summary>
    /// A sharded rebuild switches once every shard of the new generation passed the target, whoever built them
    /// (design.md "Shards"); this shard caught up, so it waits for the others' checkpoints in the store.
    /// </summary>
    private async Task<bool> WaitForEveryShard(GenerationPipeline building, RebuildState state)
    {
        while (!_stopped && _building == building && building.Status != ProjectionStatus.Stopped)
        {
            // Prepared before the checkpoints are read: a checkpoint written while they are read still wakes this wait.
            var checkpointed = _checkpointSignal.Prepare();
            try
            {
                var behind = false;
                for (var shard = 0; shard < building.Shards && !behind; shard++)
                    behind = await _store.LoadCheckpoint(Name, building.Generation, shard, CancellationToken.None).ConfigureAwait(false) is not { } cp
                        || cp.Position < state.Target;
                if (!behind) return true;
            }
            catch (Exception ex) { _logger.LogDebug(ex, "Projection {Projection}: reading the rebuild's shard checkpoints failed", Name); }
            // A checkpoint of a shard built here wakes it at once; shards built elsewhere are read again every renew interval.
            await Task.WhenAny(checkpointed, Task.Delay(_options.LeaseRenewInterval, _time)).ConfigureAwait(false);
        }
        return false;
    }

    private async Task SwitchWhenCaughtUp(GenerationPipeline building, RebuildState state)
    {
        try
        {
            await building.CaughtUpAndFlushed.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A preview switched to before it caught up here is the active generation now: its failure is the projection's, not a rebuild's to drop.
            if (ex is not OperationCanceledException && _active != building) await AbandonRebuild(building, state, ex).ConfigureAwait(false);
            return;
        }
        if (state.Preview)
        {
            // A preview keeps following the live events and waits for an explicit switch (or discard).
            state.CaughtUp = true;
            _logger.LogInformation("Projection {Projection}: the preview of generation {Generation} caught up; compare it with diff, then switch or discard", Name, building.Generation);
            return;
        }

        if (building.Shards > 1 && !await WaitForEveryShard(building, state).ConfigureAwait(false)) return;
        GenerationPipeline? old;
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped || _building != building) return;
            // It caught up, then failed (or lost its lease) before the switch: never make a stopped generation active.
            if (building.Status == ProjectionStatus.Stopped) old = null;
            // Another shard recorded the switch first: this shard's pipeline is promoted by the next lease round, which runs now.
            else if (building.Shards > 1 && !await _store.ActivateBuiltGeneration(Name, building.Generation, CancellationToken.None).ConfigureAwait(false))
            {
                _ownershipWake.Set();
                return;
            }
            else
            {
                if (building.Shards == 1) await _store.ActivateGeneration(Name, building.Generation, CancellationToken.None).ConfigureAwait(false);
                old = _active;
                building.Notifier = _hub;
                _active = building;
                _generations = new ProjectionGenerations(building.Generation, null) { ActiveShards = building.Shards };
                _building = null;
                _rebuild = null;
            }
        }
        catch (Exception ex)
        {
            state.Error = ex;
            _logger.LogError(ex, "Projection {Projection}: activating generation {Generation} failed", Name, building.Generation);
            return;
        }
        finally { _lifecycle.Release(); }

        if (_active != building)
        {
            if (building.LostLease) await ClearBuildingLocked(building).ConfigureAwait(false);
            else await AbandonRebuild(building, state, building.Error ?? new InvalidOperationException($"generation {building.Generation} stopped before the switch")).ConfigureAwait(false);
            return;
        }
        _checkpointSignal.Set();
        _ownershipWake.Set(); // this host's other shards of the new generation are promoted at once
        // One host records the switch (ActivateBuiltGeneration is conditional): this line appears once per rebuild, on that host.
        _logger.LogInformation("Projection {Projection}: every shard of generation {Generation} caught up; this host recorded the switch to it", Name, building.Generation);
        if (old is not null) await LetGo(old, "replaced by the rebuild").ConfigureAwait(false);
        // Dropping revokes the old generation's leases, so a host still writing it (as the holder here, or elsewhere) is fenced out.
        try { await _store.DropGeneration(Name, building.Generation - 1, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception ex) { _logger.LogWarning(ex, "Projection {Projection}: dropping generation {Generation} failed", Name, building.Generation - 1); }
    }

    private async Task ClearBuildingLocked(GenerationPipeline building)
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try { ClearBuilding(building); }
        finally { _lifecycle.Release(); }
    }

    /// <summary>
    /// A failed rebuild leaves the active generation serving, reports the failure through
    /// <see cref="Error"/>, and lets a later rebuild start again. Its generation is dropped, so no host
    /// (this one or another) resumes a rebuild that fails the same way every time.
    /// </summary>
    private async Task AbandonRebuild(GenerationPipeline building, RebuildState state, Exception error)
    {
        state.Error = error;
        _logger.LogError(error, "Projection {Projection}: the rebuild of generation {Generation} failed; generation {Active} keeps serving",
            Name, building.Generation, _generations.Active);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_building == building) _building = null;
            await building.AbortAsync().ConfigureAwait(false);
            // Only while it is still the one being built: a preview switched to meanwhile (by a command, or on another host) is the active generation.
            if (!_stopped && (await _store.ReadGenerations(Name, CancellationToken.None).ConfigureAwait(false)).Building == building.Generation)
                await _store.DropGeneration(Name, building.Generation, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) { _logger.LogWarning(ex, "Projection {Projection}: dropping the failed generation {Generation} failed", Name, building.Generation); }
        finally { _lifecycle.Release(); }
    }
}
