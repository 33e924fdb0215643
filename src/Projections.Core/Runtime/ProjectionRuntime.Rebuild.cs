using Microsoft.Extensions.Logging;

namespace Projections.Core.Runtime;

/// <summary>
/// Rebuild (design.md "Rebuild"): generation g+1 is recorded in the store with this host's shard count; its shards are
/// leased like the active ones (ShardRuntime.Rebuild.cs builds them and records the switch once every shard passed the target).
/// </summary>
public sealed partial class ProjectionRuntime
{
    /// <summary>Records a rebuild of the next generation in the store and starts building the shards this host gets.</summary>
    internal async Task StartRebuild(bool preview, CancellationToken ct)
    {
        await _rounds.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var changesShards = _startError is ShardCountChangedException;
            if ((_startError is not null && !changesShards) || ServedGenerationNumber == 0)
                throw new InvalidOperationException($"Projection '{Name}' has not started{(_startError is null ? "" : $": {_startError.Message}")}.");
            if (_stopped) throw new InvalidOperationException($"Projection '{Name}' is stopped; it cannot rebuild.");
            if (ServingPipelines().FirstOrDefault(p => p.Status == ProjectionStatus.Stopped) is { } failed)
                throw new InvalidOperationException($"Projection '{Name}' is stopped{(failed.Error is null ? "" : $" ({failed.Error.Message})")}; restart it to rebuild.");
            var generations = await _store.ReadGenerations(Name, ct).ConfigureAwait(false);
            if (generations.Building is { } running)
                throw new RebuildAlreadyRunningException(generations.Preview
                    ? $"Projection '{Name}' already has a preview of generation {running}; switch to it or discard it first."
                    : $"Projection '{Name}' is already rebuilding generation {running}.");
            var generation = generations.Active + 1;
            if (preview) await _store.BeginPreview(Name, generation, ConfiguredShards, Projection.Indexes, ct).ConfigureAwait(false);
            else await _store.BeginGeneration(Name, generation, ConfiguredShards, Projection.Indexes, ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: {Kind} generation {Generation} with {Shards} shard(s)",
                Name, preview ? "building a preview of" : "rebuilding into", generation, ConfiguredShards);
            await Round(await _store.ReadGenerations(Name, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            if (changesShards)
            {
                // The rebuild applies the new shard count; until it switches, the recorded generation keeps serving.
                _startError = null;
                _ownershipLoop = Task.Run(OwnershipLoop, CancellationToken.None);
            }
            if (Held(generation) == 0)
                _logger.LogInformation("Projection {Projection}: other hosts took the leases of generation {Generation} and build it", Name, generation);
        }
        finally { _rounds.Release(); }
    }

    /// <summary>
    /// Activates the preview (refused while a shard of it is behind the active generation) and drops the old generation.
    /// Between the two, a lease round promotes every shard of the preview built here, so this host never starts a second
    /// pipeline for it. Returns the new active generation.
    /// </summary>
    internal async Task<int> SwitchPreview(CancellationToken ct)
    {
        await _rounds.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generation = await PreviewGenerations.Switch(_store, Name,
                async () => await Round(await _store.ReadGenerations(Name, ct).ConfigureAwait(false), ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: switched to the preview; generation {Generation} is active", Name, generation);
            return generation;
        }
        finally { _rounds.Release(); }
    }

    /// <summary>Drops the preview generation and lets go of its shards built here; the active one keeps serving. Returns the dropped generation.</summary>
    internal async Task<int> DiscardPreview(CancellationToken ct)
    {
        await _rounds.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generation = await PreviewGenerations.Discard(_store, Name, ct).ConfigureAwait(false);
            await Round(await _store.ReadGenerations(Name, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            _logger.LogInformation("Projection {Projection}: discarded the preview of generation {Generation}", Name, generation);
            return generation;
        }
        finally { _rounds.Release(); }
    }
}
