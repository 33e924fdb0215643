using Microsoft.Extensions.Logging;
using Projections.Core.Pipeline;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Lease rounds (design.md "Several hosts", "Shards"): every <see cref="ProjectionEngineOptions.LeaseRenewInterval"/> the
/// projection reads its generations once, then each shard renews what it holds and takes what is free while this host is
/// below its fair share, ceil(N / alive hosts) per generation. A host above its share (a host joined) hands one shard over
/// per round, and only while another alive host is below floor(N / alive): that hysteresis keeps two hosts from trading a
/// shard back and forth. Safety does not rest on any of this: every write carries its shard lease's epoch.
/// </summary>
public sealed partial class ProjectionRuntime
{
    private readonly SemaphoreSlim _rounds = new(1, 1);
    private readonly CancellationTokenSource _ownershipStop = new();
    private Task _ownershipLoop = Task.CompletedTask;

    /// <summary>Opens the projection in the store, takes the shards it may, then keeps renewing and watching for hand-overs.</summary>
    internal async Task StartAsync(CancellationToken ct)
    {
        await _rounds.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generations = await _store.EnsureProjection(Name, ConfiguredShards, Projection.Indexes, ct).ConfigureAwait(false);
            _generations = generations;
            if (generations.ActiveShards != ConfiguredShards && !(generations.Building is not null && generations.BuildingShards == ConfiguredShards))
            {
                // Serving the recorded count would hide the user's change; a rebuild (run --rebuild) applies it and clears this.
                _startError = new ShardCountChangedException(Name, generations.ActiveShards, ConfiguredShards);
                _logger.LogWarning("{Message}", _startError.Message);
                return;
            }
            // A crash between activating generation g and dropping g-1 leaves g-1's storage behind; dropping it again is harmless.
            if (generations.Active > 1) await _store.DropGeneration(Name, generations.Active - 1, ct).ConfigureAwait(false);
            await Round(generations, ct).ConfigureAwait(false);
            _ownershipLoop = Task.Run(OwnershipLoop, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _startError = ex;
            _logger.LogError(ex, "Projection {Projection} could not start: {Message}", Name, ex.Message);
            _checkpointSignal.Set();
        }
        finally { _rounds.Release(); }
    }

    /// <summary>Stops the rounds, then every shard: final flush and checkpoint, then the leases are released so others take over at once.</summary>
    internal async Task StopAsync(CancellationToken abandon)
    {
        _stopped = true;
        await _ownershipStop.CancelAsync().ConfigureAwait(false);
        await _ownershipLoop.ConfigureAwait(false);
        await _rounds.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try { await Task.WhenAll(_shards.Select(s => s.StopAsync(abandon))).ConfigureAwait(false); }
        finally { _rounds.Release(); }
    }

    private async Task OwnershipLoop()
    {
        var stop = _ownershipStop.Token;
        var wake = _ownershipWake.Prepare();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAny(wake, Task.Delay(_options.LeaseRenewInterval, _time, stop)).ConfigureAwait(false);
                if (stop.IsCancellationRequested) return;
                // Prepared before the round: a wake raised during it (a shard switched, a pipeline lost its lease) runs the next round at once.
                wake = _ownershipWake.Prepare();
                await _rounds.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    if (_stopped) return;
                    await Round(await _store.ReadGenerations(Name, stop).ConfigureAwait(false), stop).ConfigureAwait(false);
                }
                finally { _rounds.Release(); }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                // The store is unreachable or busy: a held lease stays usable until its time-to-live runs out (KeepLease).
                // The pipeline reports an outage once; a lease check every second must not repeat it.
                _logger.Log(ex is ProjectionStoreUnavailableException ? LogLevel.Debug : LogLevel.Warning, ex,
                    "Projection {Projection}: checking leases failed: {Message}", Name, ex.Message);
                foreach (var shard in _shards) await shard.ExpireUnrenewed().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One round over every shard, then at most one hand-over. Caller holds <see cref="_rounds"/>.</summary>
    private async Task Round(ProjectionGenerations generations, CancellationToken ct)
    {
        _generations = generations;
        var shards = EnsureShards(Math.Max(generations.ActiveShards, generations.Building is null ? 1 : generations.BuildingShards));
        var sharded = generations.ActiveShards > 1 || (generations.Building is not null && generations.BuildingShards > 1);
        var hosts = sharded && _hosts is not null ? AliveHosts(await _hosts.ReadHosts(ct).ConfigureAwait(false)) : null;
        var alive = hosts?.Count ?? 1;
        foreach (var shard in shards)
            await shard.Round(generations, generation => Held(generation) < FairShare(generations.ShardsOf(generation), alive), ct).ConfigureAwait(false);
        if (hosts is not null) await HandOverSurplus(generations, hosts).ConfigureAwait(false);
        if (generations.ActiveShards > 1) _shardViews = await ReadShardViews(generations, hosts ?? [], ct).ConfigureAwait(false);
        _checkpointSignal.Set();
    }

    private int Held(int generation) => _shards.Count(s => s.Holds(generation));

    private static int FairShare(int shards, int aliveHosts) => (shards + aliveHosts - 1) / aliveHosts;

    /// <summary>The alive hosts as the registry shows them, this one included even before its first heartbeat is read back.</summary>
    private List<HostRecord> AliveHosts(IReadOnlyList<HostRecord> recorded)
    {
        var alive = recorded.Where(h => h.Alive).ToList();
        if (alive.All(h => h.Id != _owner)) alive.Add(new HostRecord(_owner, null, DateTimeOffset.MinValue, DateTimeOffset.MinValue, true, []));
        return alive;
    }

    private async Task HandOverSurplus(ProjectionGenerations generations, List<HostRecord> hosts)
    {
        var n = generations.ActiveShards;
        var mine = _shards.Where(s => s.Serving is { } p && p.Generation == generations.Active).ToList();
        if (n <= 1 || mine.Count <= FairShare(n, hosts.Count)) return;
        var floor = n / hosts.Count;
        var starved = hosts.FirstOrDefault(h => h.Id != _owner && h.Holds.Count(k => k.Projection == Name && k.Generation == generations.Active) < floor);
        if (starved is null) return;
        var giving = mine[^1];
        _logger.LogInformation("Projection {Projection}: this host holds {Held} of {Shards} shards, more than its share; handing shard {Shard} over ({Host} holds fewer than {Floor})",
            Name, mine.Count, n, giving.Shard, starved.Id, floor);
        await giving.HandOver().ConfigureAwait(false);
    }

    private ShardRuntime[] EnsureShards(int count)
    {
        var shards = _shards;
        if (shards.Length >= count) return shards;
        var grown = new ShardRuntime[count];
        shards.CopyTo(grown, 0);
        for (var i = shards.Length; i < count; i++)
            grown[i] = new ShardRuntime(Projection, i, _source, _store, _leases, _owner, _options, _time, _logger, _hub, _checkpointSignal, _ownershipWake);
        _shards = grown;
        return grown;
    }
}

/// <summary>A host configured with a shard count other than the one the projection's active generation was built with.</summary>
public sealed class ShardCountChangedException(string projection, int recorded, int configured) : InvalidOperationException(
    $"Projection '{projection}' was built with {recorded} shard(s), and this host is configured with {configured}: changing the shard count " +
    $"re-splits the keys, which is a rebuild. Start with --rebuild {projection} to build a generation with {configured} shard(s), or use --shards {recorded}.")
{
    public string Projection { get; } = projection;
}
