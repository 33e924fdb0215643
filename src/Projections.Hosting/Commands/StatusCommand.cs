using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Hosting.Progress;
using Projections.Hosting.Web;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>status</c>: reads the store (works while a host runs): per projection its active generation,
/// checkpoint against the event store's head, dead letters and the checkpoint's stream time against the
/// wall clock; a rebuild in progress is shown too; then every host sharing the store, writing, standby or gone.
/// </summary>
internal sealed class StatusCommand() : ProjectionsCommand("status", "Per projection: generation, checkpoint against the head, dead letters, a rebuild in progress; the hosts and which one writes.")
{
    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var ct = context.Stop;
        await using var adapters = await context.OpenStoresAsync();
        var head = await adapters.Source.ReadHeadPosition(ct);
        await context.Output.WriteLineAsync($"events: {adapters.Source.Description}, head {head}");
        await context.Output.WriteLineAsync($"store: {adapters.Store.Description}");

        foreach (var projection in context.Projections)
        {
            var generations = await adapters.Store.EnsureProjection(projection.Name, projection.Indexes, ct);
            // A sharded projection is as far as its slowest shard; each shard's own checkpoint is on its lease line.
            var shardCheckpoints = await ShardCheckpoints.Load(adapters.Store, projection.Name, generations.Active, generations.ActiveShards, ct);
            var stored = shardCheckpoints.Any(c => c is null) ? null : shardCheckpoints.MinBy(c => c!.Position);
            var checkpoint = stored?.Position;
            var deadLetters = await adapters.Store.CountDeadLetters(projection.Name, generations.Active, ct);
            var shards = generations.ActiveShards > 1 ? $" ({generations.ActiveShards} shards)" : "";
            var line = $"{projection.Name}: generation {generations.Active}{shards}, {Progress(checkpoint, head)}, dead letters {deadLetters}";
            if (stored?.StreamTime is { } streamTime) line += StreamTime(streamTime, TimeProvider.System.GetUtcNow());
            if (generations.Building is { } building)
            {
                var rebuiltShards = await ShardCheckpoints.Load(adapters.Store, projection.Name, building, generations.BuildingShards, ct);
                GlobalPosition? rebuilt = rebuiltShards.Any(c => c is null) ? null : rebuiltShards.Min(c => c!.Position);
                line += generations.Preview
                    ? $"; preview generation {building} (switch or discard it): {Progress(rebuilt, head)}"
                    : $"; rebuilding generation {building}: {Progress(rebuilt, head)}";
            }
            await context.Output.WriteLineAsync(line);
            if (adapters.Store is ILeaseStore leases)
                foreach (var lease in await leases.ReadLeases(projection.Name, ct))
                {
                    var shardProgress = lease.Key.Generation == generations.Active && generations.ActiveShards > 1 && lease.Key.Shard < shardCheckpoints.Count
                        ? $"; {Progress(shardCheckpoints[lease.Key.Shard]?.Position, head)}" : "";
                    await context.Output.WriteLineAsync($"  {LeaseLine(lease, DateTimeOffset.UtcNow)}{shardProgress}");
                }
        }
        if (adapters.Store is IHostRegistry registry)
        {
            var hosts = await registry.ReadHosts(ct);
            await context.Output.WriteLineAsync($"hosts: {hosts.Count(h => h.Alive)} alive, {hosts.Count(h => !h.Alive)} gone");
            foreach (var host in hosts) await context.Output.WriteLineAsync($"  {HostLine(host, DateTimeOffset.UtcNow)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>"host-b at http://127.0.0.1:5001: writing plant-items (generation 1 shard 0); heartbeat 0.4 s ago, up 2m 05s" — or standby, or gone.</summary>
    public static string HostLine(HostRecord host, DateTimeOffset now)
    {
        var who = host.Address is null ? host.Id : $"{host.Id} at {host.Address}";
        var heartbeat = $"heartbeat {Math.Max(0, (now - host.LastHeartbeat).TotalSeconds):0.0} s ago";
        var role = HostSummary.RoleOf(host) switch
        {
            HostSummary.Writing => "writing " + string.Join(", ", host.Holds.Select(k => $"{k.Projection} (generation {k.Generation} shard {k.Shard})")),
            HostSummary.Standby => "standby",
            _ => "gone",
        };
        return host.Alive ? $"{who}: {role}; {heartbeat}, up {ProgressFormat.Span(now - host.StartedAt)}" : $"{who}: {role}, last {heartbeat}";
    }

    /// <summary>"generation 1 shard 0: written by host-a (epoch 3), lease expires in 8.2 s" — or who held it last.</summary>
    public static string LeaseLine(LeaseRecord lease, DateTimeOffset now)
    {
        var where = $"generation {lease.Key.Generation} shard {lease.Key.Shard}";
        if (lease.Owner is null) return $"{where}: free (epoch {lease.Epoch})";
        var left = lease.ExpiresAt - now;
        return left > TimeSpan.Zero
            ? $"{where}: written by {lease.Owner} (epoch {lease.Epoch}), lease expires in {left.TotalSeconds:0.0} s"
            : $"{where}: {lease.Owner} stopped renewing {-left.TotalSeconds:0.0} s ago (epoch {lease.Epoch}); a standby takes over";
    }

    /// <summary>", stream time 2026-01-01T08:00:00Z (wall clock 2h 05m ahead)": the checkpoint's stream time, which timers are compared with.</summary>
    public static string StreamTime(DateTimeOffset streamTime, DateTimeOffset now) =>
        $", stream time {streamTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} (wall clock {ProgressFormat.Span(now - streamTime)} {(now >= streamTime ? "ahead" : "behind")})";

    /// <summary>"checkpoint 90, head 100, behind 10"; behind is in the source's position units (events on SQLite).</summary>
    public static string Progress(GlobalPosition? checkpoint, GlobalPosition head)
    {
        var reached = checkpoint ?? GlobalPosition.Start;
        var behind = reached >= head ? 0 : head.Commit - reached.Commit;
        var state = reached >= head ? ", caught up" : "";
        return $"checkpoint {ProgressFormat.Position(checkpoint)}, head {head}, behind {ProgressFormat.Count((long)Math.Min(behind, long.MaxValue))}{state}";
    }
}
