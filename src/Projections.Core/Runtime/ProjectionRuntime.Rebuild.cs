using Microsoft.Extensions.Logging;
using Projections.Core.Pipeline;

namespace Projections.Core.Runtime;

/// <summary>Rebuild (design.md "Rebuild"): generation g+1 is built beside g, then becomes active and g is dropped.</summary>
public sealed partial class ProjectionRuntime
{
    /// <summary>Starts building the next generation from the first event; returns once it runs.</summary>
    internal async Task StartRebuild(CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var active = Active();
            if (_stopped) throw new InvalidOperationException($"Projection '{Name}' is stopped; it cannot rebuild.");
            if (_building is not null) throw new InvalidOperationException($"Projection '{Name}' is already rebuilding generation {_building.Generation}.");
            if (active.Status == ProjectionStatus.Stopped)
                throw new InvalidOperationException($"Projection '{Name}' is stopped{(active.Error is null ? "" : $" ({active.Error.Message})")}; restart it to rebuild.");
            var generation = active.Generation + 1;
            await _store.BeginGeneration(Name, generation, Projection.Indexes, ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: rebuilding into generation {Generation}", Name, generation);
            await StartBuilding(generation, resume: false, ct).ConfigureAwait(false);
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Starts the pipeline of the generation being built and arranges the switch. Caller holds the lifecycle lock.</summary>
    private async Task StartBuilding(int generation, bool resume, CancellationToken ct)
    {
        var target = await _source.ReadHeadPosition(ct).ConfigureAwait(false);
        var state = new RebuildState(target, _time.GetUtcNow());
        var building = NewPipeline(generation);
        var checkpoint = resume ? await _store.LoadCheckpoint(Name, generation, ct).ConfigureAwait(false) : null;
        await building.StartAsync(checkpoint, ct).ConfigureAwait(false);
        _rebuild = state;
        _building = building;
        state.Switch = Task.Run(() => SwitchWhenCaughtUp(building, state), CancellationToken.None);
    }

    private async Task SwitchWhenCaughtUp(GenerationPipeline building, RebuildState state)
    {
        try
        {
            await building.CaughtUpAndFlushed.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException) await AbandonRebuild(building, state, ex).ConfigureAwait(false);
            return;
        }

        GenerationPipeline? old;
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped || _building != building) return;
            // It caught up, then failed before the switch: never make a stopped generation active.
            if (building.Status == ProjectionStatus.Stopped) old = null;
            else
            {
                await _store.ActivateGeneration(Name, building.Generation, CancellationToken.None).ConfigureAwait(false);
                old = _active;
                building.Notifier = _hub;
                _active = building;
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
            await AbandonRebuild(building, state, building.Error ?? new InvalidOperationException($"generation {building.Generation} stopped before the switch")).ConfigureAwait(false);
            return;
        }
        _checkpointSignal.Set();
        _logger.LogInformation("Projection {Projection}: generation {Generation} is active", Name, building.Generation);
        if (old is null) return;
        await old.AbortAsync().ConfigureAwait(false);
        try { await _store.DropGeneration(Name, old.Generation, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception ex) { _logger.LogWarning(ex, "Projection {Projection}: dropping generation {Generation} failed", Name, old.Generation); }
    }

    /// <summary>
    /// A failed rebuild leaves the active generation serving, reports the failure through
    /// <see cref="Error"/>, and lets a later rebuild start again (BeginGeneration clears the leftovers).
    /// </summary>
    private async Task AbandonRebuild(GenerationPipeline building, RebuildState state, Exception error)
    {
        state.Error = error;
        _logger.LogError(error, "Projection {Projection}: the rebuild of generation {Generation} failed; generation {Active} keeps serving",
            Name, building.Generation, _active?.Generation);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try { if (_building == building) _building = null; }
        finally { _lifecycle.Release(); }
        await building.AbortAsync().ConfigureAwait(false);
    }
}
