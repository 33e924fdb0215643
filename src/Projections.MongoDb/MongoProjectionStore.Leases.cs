using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>Leases (see <see cref="LeaseModels"/>); each step is one single-document atomic update on the server.</summary>
public sealed partial class MongoProjectionStore : ILeaseStore
{
    public async Task<Lease?> TryAcquire(LeaseKey key, string owner, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var taken = await _retry.Run($"acquire the lease on {key}", async t =>
        {
            try
            {
                return await Leases.FindOneAndUpdateAsync(
                    new BsonDocumentFilterDefinition<BsonDocument>(LeaseModels.AcquireFilter(key, owner)),
                    Pipeline(LeaseModels.AcquireUpdate(owner, timeToLive)),
                    new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, t).ConfigureAwait(false);
            }
            catch (MongoCommandException e) when (e.Code == MongoErrorCodes.DuplicateKey)
            {
                return null; // nothing matched: another owner holds it, and the upsert collided with its document
            }
        }, cancellationToken, isWrite: true).ConfigureAwait(false);
        return taken is null ? null : new Lease(key, owner, taken["epoch"].ToInt64());
    }

    public async Task<bool> Renew(Lease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var result = await _retry.Run($"renew the lease on {lease.Key}", t => Leases.UpdateOneAsync(
            new BsonDocumentFilterDefinition<BsonDocument>(LeaseModels.HeldFilter(lease)), Pipeline(LeaseModels.RenewUpdate(timeToLive)), cancellationToken: t),
            cancellationToken, isWrite: true).ConfigureAwait(false);
        return result.MatchedCount == 1;
    }

    public async Task Release(Lease lease, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        await _retry.Run($"release the lease on {lease.Key}", t => Leases.UpdateOneAsync(
            new BsonDocumentFilterDefinition<BsonDocument>(LeaseModels.HeldFilter(lease)), Pipeline(LeaseModels.ReleaseUpdate()), cancellationToken: t),
            cancellationToken, isWrite: true).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LeaseRecord>> ReadLeases(string projection, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var found = await _retry.Run($"read the leases of '{projection}'", t => Leases
            .Find(new BsonDocument("_id.p", projection)).Sort(new BsonDocument { { "_id.g", 1 }, { "_id.s", 1 } }).ToListAsync(t), cancellationToken).ConfigureAwait(false);
        return found.Select(LeaseModels.FromBson).ToList();
    }

    /// <summary>The write fence: inside the flush's transaction (or just before its writes, where there are none) it matches only for the lease's holder.</summary>
    private async Task CheckFence(IClientSessionHandle? session, Lease fence, CancellationToken cancellationToken)
    {
        var filter = new BsonDocumentFilterDefinition<BsonDocument>(LeaseModels.HeldFilter(fence));
        var update = new BsonDocumentUpdateDefinition<BsonDocument>(LeaseModels.FenceUpdate());
        var result = session is null
            ? await Leases.UpdateOneAsync(filter, update, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await Leases.UpdateOneAsync(session, filter, update, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.MatchedCount == 1) return;
        var current = await Leases.Find(new BsonDocument("_id", LeaseModels.Id(fence.Key))).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        throw LeaseLostException.For(fence, current?["epoch"].ToInt64(), current is null || current["owner"].IsBsonNull ? null : current["owner"].AsString);
    }

    private Task RevokeLeases(string projection, int generation, CancellationToken cancellationToken) =>
        _retry.Run($"revoke the leases of '{projection}' generation {generation}", t => Leases.UpdateManyAsync(
            new BsonDocumentFilterDefinition<BsonDocument>(LeaseModels.GenerationFilter(projection, generation)), Pipeline(LeaseModels.RevokeUpdate()), cancellationToken: t),
            cancellationToken, isWrite: true);

    private IMongoCollection<BsonDocument> Leases => Collection(LeaseModels.Collection);

    private static PipelineUpdateDefinition<BsonDocument> Pipeline(BsonArray stages) =>
        new(new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>(stages.Select(s => s.AsBsonDocument)));
}
