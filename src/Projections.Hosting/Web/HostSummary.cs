using Projections.Core.Ports;

namespace Projections.Hosting.Web;

/// <summary>
/// A host as <c>/api/hosts</c>, the dashboard and <c>status</c> show it: its role is "writing" while it holds
/// a lease, "standby" while it is alive and holds none, "gone" once its heartbeat ran out or it stopped.
/// </summary>
internal sealed record HostSummary(
    string Id,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    string Role,
    bool ThisHost,
    IReadOnlyList<WrittenShard> Writes)
{
    public const string Writing = "writing", Standby = "standby", Gone = "gone";

    public static HostSummary From(HostRecord host, string? thisHost) => new(
        host.Id, host.Address, host.StartedAt, host.LastHeartbeat, RoleOf(host), host.Id == thisHost,
        host.Holds.Select(k => new WrittenShard(k.Projection, k.Generation, k.Shard)).ToArray());

    public static string RoleOf(HostRecord host) => host.Holds.Count > 0 ? Writing : host.Alive ? Standby : Gone;
}

/// <summary>A projection shard a host writes (holds the lease of).</summary>
internal sealed record WrittenShard(string Projection, int Generation, int Shard);

/// <summary>The answer of <c>/api/hosts</c>: the hosts sharing this host's store, and which one answered.</summary>
internal sealed record HostsResponse(string ThisHost, IReadOnlyList<HostSummary> Hosts);
