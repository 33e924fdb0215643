using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>The host registry beside the leases (see <see cref="HostModels"/>); each step is one update on the server.</summary>
public sealed partial class MongoProjectionStore : IHostRegistry
{
    public async Task Heartbeat(HostBeat host, TimeSpan timeToLive, TimeSpan forgetGoneAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host.Id);
        await Ready(cancellationToken).ConfigureAwait(false);
        await _retry.Run($"forget gone hosts", t => Hosts.DeleteManyAsync(
            new BsonDocumentFilterDefinition<BsonDocument>(HostModels.ForgetFilter(host.Id, forgetGoneAfter)), t), cancellationToken, isWrite: true).ConfigureAwait(false);
        await _retry.Run($"record host '{host.Id}'", t => Hosts.UpdateOneAsync(new BsonDocument("_id", host.Id),
            Pipeline(HostModels.HeartbeatUpdate(host, timeToLive)), new UpdateOptions { IsUpsert = true }, t), cancellationToken, isWrite: true).ConfigureAwait(false);
    }

    public async Task SignOff(string hostId, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        await _retry.Run($"sign off host '{hostId}'", t => Hosts.UpdateOneAsync(new BsonDocument("_id", hostId),
            Pipeline(HostModels.SignOffUpdate()), cancellationToken: t), cancellationToken, isWrite: true).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var leases = await _retry.Run("read the held leases", t => Leases.Find(HostModels.HeldLeasesFilter()).ToListAsync(t), cancellationToken).ConfigureAwait(false);
        var held = leases.Select(LeaseModels.FromBson).OrderBy(l => l.Key.Projection, StringComparer.Ordinal).ThenBy(l => l.Key.Generation).ThenBy(l => l.Key.Shard)
            .ToLookup(l => l.Owner!, l => l.Key, StringComparer.Ordinal);
        var hosts = await _retry.Run("read the hosts", t => Hosts.Aggregate<BsonDocument>(HostModels.ReadPipeline(), cancellationToken: t).ToListAsync(t),
            cancellationToken).ConfigureAwait(false);
        return hosts.Select(h => HostModels.FromBson(h, held)).ToList();
    }

    private IMongoCollection<BsonDocument> Hosts => Collection(HostModels.Collection);
}
