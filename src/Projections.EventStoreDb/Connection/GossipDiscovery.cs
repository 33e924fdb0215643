using Grpc.Core;
using Projections.Core.Events;
using Projections.EventStoreDb.Protocol.Gossip;
using Projections.EventStoreDb.Protocol.Shared;

namespace Projections.EventStoreDb.Connection;

/// <summary>Finds a node through Gossip.Read on the seeds, in rounds, as the official client does.</summary>
internal sealed class GossipDiscovery(EventStoreDbSettings settings)
{
    private readonly Random _random = new();

    public async Task<EndPointAddress> Discover(CancellationToken cancellationToken)
    {
        string lastProblem = "no seed answered";
        for (var attempt = 1; attempt <= settings.MaxDiscoverAttempts; attempt++)
        {
            foreach (var seed in settings.Hosts.OrderBy(_ => _random.Next()))
            {
                try
                {
                    var cluster = await ReadGossip(seed, cancellationToken).ConfigureAwait(false);
                    if (NodeSelector.Select(cluster, settings.NodePreference, _random) is { } node) return node;
                    lastProblem = $"{seed} knows no node that is ready";
                }
                catch (RpcException ex)
                {
                    lastProblem = $"{seed}: {ex.StatusCode} {ex.Status.Detail}";
                }
            }
            await Task.Delay(settings.DiscoveryInterval, cancellationToken).ConfigureAwait(false);
        }
        throw new EventStoreUnavailableException(
            $"Could not discover an EventStoreDB node from {string.Join(",", settings.Hosts)} after {settings.MaxDiscoverAttempts} attempts: {lastProblem}.");
    }

    private async Task<ClusterInfo> ReadGossip(EndPointAddress seed, CancellationToken cancellationToken)
    {
        using var channel = ChannelFactory.Create(settings, seed);
        var client = new Gossip.GossipClient(channel);
        return await client.ReadAsync(new Empty(), deadline: DateTime.UtcNow + settings.GossipTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }
}
