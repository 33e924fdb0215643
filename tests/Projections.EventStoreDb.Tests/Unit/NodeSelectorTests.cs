using FluentAssertions;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Protocol.Gossip;
using State = Projections.EventStoreDb.Protocol.Gossip.MemberInfo.Types.VNodeState;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class NodeSelectorTests
{
    private static MemberInfo Member(string host, State state, bool alive = true) =>
        new() { State = state, IsAlive = alive, HttpEndPoint = new EndPoint { Address = host, Port = 2113 } };

    private static ClusterInfo Cluster(params MemberInfo[] members)
    {
        var cluster = new ClusterInfo();
        cluster.Members.AddRange(members);
        return cluster;
    }

    [Fact]
    public void Leader_preference_picks_the_leader()
    {
        var cluster = Cluster(Member("f1", State.Follower), Member("l", State.Leader), Member("f2", State.Follower));

        NodeSelector.Select(cluster, NodePreference.Leader, new Random(1)).Should().Be(new EndPointAddress("l", 2113));
    }

    [Fact]
    public void Follower_preference_picks_a_follower()
    {
        var cluster = Cluster(Member("l", State.Leader), Member("f", State.Follower));

        NodeSelector.Select(cluster, NodePreference.Follower, new Random(1)).Should().Be(new EndPointAddress("f", 2113));
    }

    [Fact]
    public void Dead_and_not_ready_members_are_never_picked()
    {
        var cluster = Cluster(Member("dead", State.Leader, alive: false), Member("catching", State.CatchingUp), Member("f", State.Follower));

        NodeSelector.Select(cluster, NodePreference.Leader, new Random(1)).Should().Be(new EndPointAddress("f", 2113));
        NodeSelector.Select(Cluster(Member("m", State.Manager)), NodePreference.Leader, new Random(1)).Should().BeNull();
    }
}
