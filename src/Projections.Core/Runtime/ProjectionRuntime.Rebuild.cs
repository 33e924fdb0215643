using Microsoft.Extensions.Logging;
using Projections.Core.Pipeline;

namespace Projections.Core.Runtime;

/// <summary>
/// Rebuild (design.md "Rebuild"): generation g+1 is built beside g, then becomes active and g is dropped.
/// The store records the rebuild, so it is carried out once by whichever host holds g+1's lease, and
/// every other host follows the switch.
/// </summary>
public sealed partial class ProjectionRuntime
{
    /// <summary>
    /// Records a rebuild of the next generation in the store and starts building it here when this host gets its lease.
    /// A <paramref name="preview"/> is built the same way but never switched to by itself (ProjectionRuntime.Preview.cs).
    /// </summary>
    internal async Task StartRebuild(bool preview, CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_startError is not null || _servedGeneration == 0) throw new InvalidOperationException($"Projection '{Name}' has not started{(_startError is null ? "" : $": {_startError.Message}")}.");
            if (_stopped) throw new InvalidOperationException($"Projection '{Name}' is stopped; it cannot rebuild.");
            if (_active is { LostLease: false, Status: ProjectionStatus.Stopped } failed)
                throw new InvalidOperationException($"Projection '{Name}' is stopped{(failed.Error is null ? "" : $" ({failed.Error.Message})")}; restart it to rebuild.");
            var generations = await _store.EnsureProjection(Name, Projection.Indexes, ct).ConfigureAwait(false);
            if (generations.Building is { } running)
                throw new RebuildAlreadyRunningException(generations.Preview
                    ? $"Projection '{Name}' already has a preview of generation {running}; switch to it or discard it first."
                    : $"Projection '{Name}' is already rebuilding generation {running}.");
            var generation = generations.Active + 1;
            if (preview) await _store.BeginPreview(Name, generation, Projection.Indexes, ct).ConfigureAwait(false);
            else await _store.BeginGeneration(Name, generation, Projection.Indexes, ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: {Kind} generation {Generation}", Name, preview ? "building a preview of" : "rebuilding into", generation);
            if (await TryTake(generation, ct).ConfigureAwait(false) is { } lease)
                await StartBuilding(generation, lease, resume: false, preview, ct).ConfigureAwait(false);
            else
                _logger.LogInformation("Projection {Projection}: another host took the lease of generation {Generation} and builds it", Name, generation);
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Starts the pipeline of the generation being built and arranges the switch. Caller holds the lifecycle lock.</summary>
    private async Task StartBuilding(int generation, TakenLease lease, bool resume, bool preview, CancellationToken ct)
    {
        var target = await _source.ReadHeadPosition(ct).ConfigureAwait(false);
        var state = new RebuildState(target, _time.GetUtcNow(), preview);
        var building = resume
            ? await StartPipeline(generation, lease, ct).ConfigureAwait(false)
            : await StartPipelineFromScratch(generation, lease, ct).ConfigureAwait(false);
        _rebuild = state;
        _building = building;
        state.Switch = Task.Run(() => SwitchWhenCaughtUp(building, state), CancellationToken.None);
    }

    private async Task<GenerationPipeline> StartPipelineFromScratch(int generation, TakenLease taken, CancellationToken ct)
    {
        var pipeline = NewPipeline(generation, taken.Lease);
        pipeline.LeaseRenewedAt = taken.AskedAt;
        await pipeline.StartAsync(null, ct).ConfigureAwait(false);
        return pipeline;
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

        GenerationPipeline? old;
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped || _building != building) return;
            // It caught up, then failed (or lost its lease) before the switch: never make a stopped generation active.
            if (building.Status == ProjectionStatus.Stopped) old = null;
            else
            {
                await _store.ActivateGeneration(Name, building.Generation, CancellationToken.None).ConfigureAwait(false);
                old = _active;
                building.Notifier = _hub;
                _active = building;
                _servedGeneration = building.Generation;
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
        _logger.LogInformation("Projection {Projection}: generation {Generation} is active", Name, building.Generation);
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
            Name, building.Generation, _servedGeneration);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_building == building) _building = null;
            await building.AbortAsync().ConfigureAwait(false);
            if (!_stopped) await _store.DropGeneration(Name, building.Generation, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) { _logger.LogWarning(ex, "Projection {Projection}: dropping the failed generation {Generation} failed", Name, building.Generation); }
        finally { _lifecycle.Release(); }
    }
}
