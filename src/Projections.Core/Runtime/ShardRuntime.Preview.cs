using Microsoft.Extensions.Logging;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Rebuild previews (design.md "Preview generations"): generation g+1 is built and kept following beside g,
/// but only a switch makes it active; a discard drops it. Both are recorded in the store, so every host follows
/// (the switch and the discard themselves are in ProjectionRuntime.Rebuild.cs and PreviewGenerations).
/// </summary>
internal sealed partial class ShardRuntime
{
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
