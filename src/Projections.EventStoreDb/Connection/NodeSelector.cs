using Projections.EventStoreDb.Protocol.Gossip;
using State = Projections.EventStoreDb.Protocol.Gossip.MemberInfo.Types.VNodeState;

namespace Projections.EventStoreDb.Connection;

/// <summary>Picks the node to connect to from a gossip answer, in the official client's order of preference.</summary>
internal static class NodeSelector
{
    private static readonly HashSet<State> NotReady =
    [
        State.Manager, State.ShuttingDown, State.Shutdown, State.Unknown, State.Initializing, State.CatchingUp,
        State.ResigningLeader, State.PreLeader, State.PreReplica, State.PreReadOnlyReplica, State.Clone, State.DiscoverLeader,
    ];

    public static EndPointAddress? Select(ClusterInfo cluster, NodePreference preference, Random random)
    {
        var candidates = cluster.Members
            .Where(m => m.IsAlive && !NotReady.Contains(m.State) && m.HttpEndPoint is not null)
            .OrderBy(m => Rank(m.State, preference))
            .ThenBy(_ => random.Next())
            .ToList();
        return candidates.Count == 0
            ? null
            : new EndPointAddress(candidates[0].HttpEndPoint.Address, (int)candidates[0].HttpEndPoint.Port);
    }

    private static int Rank(State state, NodePreference preference) => preference switch
    {
        NodePreference.Leader => state == State.Leader ? 0 : 1,
        NodePreference.Follower => state == State.Follower ? 0 : state == State.Leader ? 1 : 2,
        NodePreference.ReadOnlyReplica => state is State.ReadOnlyReplica or State.ReadOnlyLeaderless ? 0 : state == State.Leader ? 1 : 2,
        _ => 0,
    };
}
