using Microsoft.Extensions.Logging;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Rebuild previews (design.md "Preview generations"): generation g+1 is built and kept following beside g,
/// but only a switch makes it active; a discard drops it. Both are recorded in the store, so every host follows.
/// </summary>
internal sealed partial class ShardRuntime
{
    /// <summary>Activates the preview (refused while it is behind the active generation) and drops the old generation. Returns the new active generation.</summary>
    internal async Task<int> SwitchPreview(CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generation = await PreviewGenerations.Switch(_store, Name,
                async () => await CheckOwnership(await _store.ReadGenerations(Name, ct).ConfigureAwait(false), static _ => true, ct).ConfigureAwait(false),
                ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: switched to the preview; generation {Generation} is active", Name, generation);
            return generation;
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Drops the preview generation; the active one keeps serving. Returns the dropped generation.</summary>
    internal async Task<int> DiscardPreview(CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generation = await PreviewGenerations.Discard(_store, Name, ct).ConfigureAwait(false);
            await CheckOwnership(await _store.ReadGenerations(Name, ct).ConfigureAwait(false), static _ => true, ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: discarded the preview of generation {Generation}", Name, generation);
            return generation;
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>
    /// The generation this host builds became active (a switch made here, by a command, or by another host):
    /// its pipeline goes on as the active one instead of a second pipeline starting for it. Caller holds the lifecycle lock.
    /// </summary>
    private async Task PromoteSwitchedPreview(ProjectionGenerations generations)
    {
        if (_building is not { LostLease: false } promoted || promoted.Generation != generations.Active) return;
        var old = _active;
        promoted.Notifier = _hub;
        _active = promoted;
        _building = null;
        _rebuild = null;
        _checkpointSignal.Set();
        _logger.LogInformation("Projection {Projection}: generation {Generation} is active", Name, promoted.Generation);
        if (old is not null && old != promoted) await LetGo(old, "replaced by the preview").ConfigureAwait(false);
    }
}
