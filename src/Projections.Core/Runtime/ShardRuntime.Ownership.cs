using Microsoft.Extensions.Logging;
using Projections.Core.Metrics;
using Projections.Core.Pipeline;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Leases (design.md "Several hosts"): a generation's pipeline runs only on the host that holds its
/// lease. Every <see cref="ProjectionEngineOptions.LeaseRenewInterval"/> the holder renews, and a
/// standby tries to take the lease (it succeeds once the holder released it or stopped renewing for
/// <see cref="ProjectionEngineOptions.LeaseTimeToLive"/>). Safety does not rest on this timing: every
/// write carries the lease's epoch and the store refuses a stale one.
/// </summary>
internal sealed partial class ShardRuntime
{
    /// <summary>
    /// One lease round for this shard (the runtime calls it every renew interval): renew what this host holds, let go of
    /// what moved elsewhere, take what is free while <paramref name="mayTake"/> allows it (the fair share, design.md "Shards").
    /// </summary>
    internal async Task Round(ProjectionGenerations generations, Func<int, bool> mayTake, CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_stopped) return;
            await CheckOwnership(generations, mayTake, ct).ConfigureAwait(false);
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>
    /// Gives this shard's active generation to another host (this host holds more than its share): flushes under the fence,
    /// writes the checkpoint, then releases the lease, so the taker resumes from exactly where this host stopped.
    /// </summary>
    internal async Task HandOver()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped || _active is not { LostLease: false, Lease: { } lease } active) return;
            await active.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _active = null;
            if (!active.LostLease) await ReleaseQuietly(lease, "handed over to a host below its share").ConfigureAwait(false);
            _checkpointSignal.Set();
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>One round: renew what this host holds, let go of what moved elsewhere, take what is free. Caller holds the lifecycle lock.</summary>
    private async Task CheckOwnership(ProjectionGenerations generations, Func<int, bool> mayTake, CancellationToken ct)
    {
        _generations = generations;
        await PromoteSwitchedPreview(generations).ConfigureAwait(false);

        if (_active is { } active)
        {
            if (active.Generation != generations.Active)
            {
                _logger.LogInformation("Projection {Projection}: generation {Generation} is active now (switched by another host); this host lets go of generation {Old}",
                    Name, generations.Active, active.Generation);
                await LetGo(active, "switched").ConfigureAwait(false);
                _active = null;
            }
            else if (!await KeepLease(active, ct).ConfigureAwait(false)) _active = null;
        }
        if (_active is null && Shard < generations.ActiveShards && mayTake(generations.Active) && await TryTake(generations.Active, ct).ConfigureAwait(false) is { } taken)
        {
            var pipeline = await StartPipeline(generations.Active, taken, ct).ConfigureAwait(false);
            pipeline.Notifier = _hub;
            _active = pipeline;
            _checkpointSignal.Set();
        }

        if (_building is { } building)
        {
            if (generations.Building != building.Generation && generations.Active != building.Generation)
            {
                _logger.LogInformation("Projection {Projection}: the rebuild of generation {Generation} was discarded, abandoned or restarted elsewhere", Name, building.Generation);
                await LetGo(building, "switched").ConfigureAwait(false);
                ClearBuilding(building);
            }
            else if (!await KeepLease(building, ct).ConfigureAwait(false)) ClearBuilding(building);
        }
        if (_building is null && generations.Building is { } next && Shard < generations.BuildingShards && mayTake(next)
            && await TryTake(next, ct).ConfigureAwait(false) is { } buildLease)
        {
            if (!await StillBuilding(next, buildLease.Lease, ct).ConfigureAwait(false)) return;
            _logger.LogInformation("Projection {Projection}: building generation {Generation} shard {Shard} from its checkpoint", Name, next, Shard);
            await StartBuilding(next, buildLease, generations.Preview, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The round's generations were read before this shard's lock was taken: a rebuild this shard abandoned in between
    /// (its generation dropped) would be resumed from that stale read, into storage that no longer exists. Read again under
    /// the lock, once the lease is taken (so a host whose take fails, the common case, does not pay the read); false, and
    /// the lease released, when the rebuild ended.
    /// </summary>
    private async Task<bool> StillBuilding(int generation, Lease lease, CancellationToken ct)
    {
        bool building;
        try { building = (await _store.ReadGenerations(Name, ct).ConfigureAwait(false)).Building == generation; }
        catch
        {
            await ReleaseQuietly(lease, "could not read the generations").ConfigureAwait(false);
            throw;
        }
        if (!building) await ReleaseQuietly(lease, "its rebuild ended before this host started it").ConfigureAwait(false);
        return building;
    }

    /// <summary>A lease just taken, and when it was asked for: the store counts its time-to-live from no earlier than that.</summary>
    private sealed record TakenLease(Lease Lease, long AskedAt);

    private async Task<TakenLease?> TryTake(int generation, CancellationToken ct)
    {
        var asked = _time.GetTimestamp();
        var lease = await _leases.TryAcquire(new LeaseKey(Name, generation, Shard), _owner, _options.LeaseTimeToLive, ct).ConfigureAwait(false);
        if (lease is null) return null;
        _logger.LogInformation("Projection {Projection}: this host ({Owner}) holds generation {Generation} shard {Shard} with lease epoch {Epoch}",
            Name, _owner, generation, Shard, lease.Epoch);
        ProjectionMetrics.RecordOwnerChange(Name, generation, "acquired");
        return new TakenLease(lease, asked);
    }

    private async Task<GenerationPipeline> StartPipeline(int generation, TakenLease taken, CancellationToken ct)
    {
        var lease = taken.Lease;
        var pipeline = NewPipeline(generation, lease);
        pipeline.LeaseRenewedAt = taken.AskedAt;
        try
        {
            var checkpoint = await _store.LoadCheckpoint(Name, generation, Shard, ct).ConfigureAwait(false);
            await pipeline.StartAsync(checkpoint, ct).ConfigureAwait(false);
            return pipeline;
        }
        catch
        {
            await pipeline.AbortAsync().ConfigureAwait(false);
            await ReleaseQuietly(lease, "could not start").ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Renews the pipeline's lease; false (and the pipeline stopped, writing nothing more) when it is lost.</summary>
    private async Task<bool> KeepLease(GenerationPipeline pipeline, CancellationToken ct)
    {
        if (pipeline.LostLease) return false;
        var lease = pipeline.Lease!;
        var started = _time.GetTimestamp();
        bool renewed;
        try
        {
            renewed = await _leases.Renew(lease, _options.LeaseTimeToLive, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A store that is unavailable is one outage, logged once with the flushes that fail with it.
            if (ex is ProjectionStoreUnavailableException) pipeline.StoreOutage.Failed($"Renewing the lease of generation {pipeline.Generation}", ex.Message, _options.LeaseRenewInterval);
            else _logger.LogWarning(ex, "Projection {Projection}: renewing the lease of generation {Generation} failed: {Message}", Name, pipeline.Generation, ex.Message);
            return !await ExpireIfUnrenewed(pipeline).ConfigureAwait(false);
        }
        ProjectionMetrics.RecordRenew(Name, pipeline.Generation, _time.GetElapsedTime(started));
        if (renewed)
        {
            pipeline.LeaseRenewedAt = started;
            return true;
        }
        _logger.LogWarning("Projection {Projection}: another host took the lease of generation {Generation} (epoch {Epoch} is gone); this host stops writing it",
            Name, pipeline.Generation, lease.Epoch);
        ProjectionMetrics.RecordOwnerChange(Name, pipeline.Generation, "lost");
        await pipeline.AbortAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// A holder that could not renew for a whole time-to-live (network cut, store down) must assume a
    /// standby took over: it stops and no longer serves its in-memory state as live.
    /// </summary>
    private async Task<bool> ExpireIfUnrenewed(GenerationPipeline pipeline)
    {
        if (pipeline.LostLease || _time.GetElapsedTime(pipeline.LeaseRenewedAt) < _options.LeaseTimeToLive) return false;
        _logger.LogWarning("Projection {Projection}: the lease of generation {Generation} could not be renewed for {Ttl}; this host stops it",
            Name, pipeline.Generation, _options.LeaseTimeToLive);
        ProjectionMetrics.RecordOwnerChange(Name, pipeline.Generation, "lost");
        await pipeline.AbortAsync().ConfigureAwait(false);
        return true;
    }

    internal async Task ExpireUnrenewed()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_active is { } active && await ExpireIfUnrenewed(active).ConfigureAwait(false)) _active = null;
            if (_building is { } building && await ExpireIfUnrenewed(building).ConfigureAwait(false)) ClearBuilding(building);
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Stops a pipeline whose generation is no longer this host's business, without a final flush, and frees its lease.</summary>
    private async Task LetGo(GenerationPipeline pipeline, string why)
    {
        await pipeline.AbortAsync().ConfigureAwait(false);
        if (pipeline is { LostLease: false, Lease: { } lease }) await ReleaseQuietly(lease, why).ConfigureAwait(false);
    }

    private async Task ReleaseQuietly(Lease lease, string why)
    {
        try
        {
            await _leases.Release(lease, CancellationToken.None).ConfigureAwait(false);
            ProjectionMetrics.RecordOwnerChange(Name, lease.Key.Generation, "released");
            _logger.LogInformation("Projection {Projection}: released the lease of generation {Generation} ({Why})", Name, lease.Key.Generation, why);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Projection {Projection}: releasing the lease of generation {Generation} failed; it expires by itself", Name, lease.Key.Generation);
        }
    }

    private void ClearBuilding(GenerationPipeline building)
    {
        if (_building != building) return;
        _building = null;
        _rebuild = null;
    }
}

/// <summary>The leases of a store that has none: every request is granted. Only safe with one host per store.</summary>
internal sealed class SingleHostLeases : ILeaseStore
{
    public Task<Lease?> TryAcquire(LeaseKey key, string owner, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        Task.FromResult<Lease?>(new Lease(key, owner, 1));

    public Task<bool> Renew(Lease lease, TimeSpan timeToLive, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task Release(Lease lease, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<LeaseRecord>> ReadLeases(string projection, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LeaseRecord>>([]);
}
