using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>Generations: a rebuild writes "{projection}.g{n+1}" beside the active one; "_generations" records which one readers use.</summary>
public sealed partial class MongoProjectionStore
{
    public Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        EnsureProjection(projection, 1, indexes, cancellationToken);

    /// <summary>Registers the projection with generation 1 in <paramref name="shards"/> shards the first time; later calls return what is recorded.</summary>
    public async Task<ProjectionGenerations> EnsureProjection(string projection, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        await Ready(cancellationToken).ConfigureAwait(false);
        CollectionNames.Documents(_settings.DatabaseName, projection, 1); // validates the name
        var registered = await _retry.Run($"register projection '{projection}'", t => Collection(CollectionNames.Generations).FindOneAndUpdateAsync(
            BatchModels.ById(projection),
            GenerationsMapping.RegisterUpdate(shards),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            t), cancellationToken).ConfigureAwait(false);
        var generations = GenerationsMapping.FromBson(registered);
        await CreateDocumentsCollection(projection, generations.Active, indexes, cancellationToken).ConfigureAwait(false);
        if (generations.Building is { } building)
            await CreateDocumentsCollection(projection, building, indexes, cancellationToken).ConfigureAwait(false);
        return generations;
    }

    public Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, indexes, preview: false, cancellationToken);

    public Task BeginGeneration(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, indexes, preview: false, cancellationToken);

    /// <summary>As the one-shard BeginGeneration, recording the generation as a preview that only an explicit activation switches to.</summary>
    public Task BeginPreview(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, indexes, preview: true, cancellationToken);

    public Task BeginPreview(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, indexes, preview: true, cancellationToken);

    private async Task Begin(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, bool preview, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var current = await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (generation == current.Active)
            throw new InvalidOperationException($"Generation {generation} of projection '{projection}' is the active one; a rebuild needs a new generation number.");
        // "Empty storage": leftovers of an earlier attempt at this generation number are removed first.
        await DropStorage(projection, generation, cancellationToken).ConfigureAwait(false);
        await CreateDocumentsCollection(projection, generation, indexes, cancellationToken).ConfigureAwait(false);
        await SetGenerations(projection, GenerationsMapping.BeginFields(generation, shards, preview), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        CollectionNames.Documents(_settings.DatabaseName, projection, generation);
        var current = await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (generation != current.Active && generation != current.Building)
            throw new InvalidOperationException($"Generation {generation} of projection '{projection}' was never begun (active {current.Active}, building {current.Building?.ToString() ?? "none"}).");
        if (current.Building != generation) return; // already the active one
        if (await ActivateBuilding(projection, generation, previewToo: true, cancellationToken).ConfigureAwait(false)) return;
        // Not matched: a retried update that had been applied, or another host switched or dropped it in between.
        var after = await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (after.Active != generation)
            throw new InvalidOperationException($"Generation {generation} of projection '{projection}' stopped being built before it could be activated (active {after.Active}).");
    }

    /// <summary>One conditional update: matches only while the generation is being built and is not a preview.</summary>
    public async Task<bool> ActivateBuiltGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        CollectionNames.Documents(_settings.DatabaseName, projection, generation);
        await Ready(cancellationToken).ConfigureAwait(false);
        return await ActivateBuilding(projection, generation, previewToo: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ActivateBuilding(string projection, int generation, bool previewToo, CancellationToken cancellationToken)
    {
        var result = await _retry.Run($"activate generation {generation} of '{projection}'", t => Collection(CollectionNames.Generations).UpdateOneAsync(
            new BsonDocumentFilterDefinition<BsonDocument>(GenerationsMapping.BuildingFilter(projection, generation, previewToo)),
            Pipeline(GenerationsMapping.ActivateBuildingUpdate(_time.GetUtcNow())), cancellationToken: t), cancellationToken, isWrite: true).ConfigureAwait(false);
        return result.MatchedCount == 1;
    }

    public async Task DropGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        var current = await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (generation == current.Active)
            throw new InvalidOperationException($"Generation {generation} of projection '{projection}' is active and cannot be dropped; activate another generation first.");
        // Forget the generation first, so a crash part-way leaves orphaned data, never a pointer to missing data.
        if (current.Building == generation)
            await SetGenerations(projection, new BsonDocument { { "building", BsonNull.Value }, { "preview", false } }, generation, cancellationToken).ConfigureAwait(false);
        await DropStorage(projection, generation, cancellationToken).ConfigureAwait(false);
    }

    public Task<ProjectionGenerations> ReadGenerations(string projection, CancellationToken cancellationToken) => LoadGenerations(projection, cancellationToken);

    private async Task<ProjectionGenerations> LoadGenerations(string projection, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var found = await _retry.Run($"load the generations of '{projection}'", t => FindOne(Collection(CollectionNames.Generations), projection, t), cancellationToken).ConfigureAwait(false);
        return found is null
            ? throw new InvalidOperationException($"Projection '{projection}' is not registered in {Description}; EnsureProjection registers it.")
            : GenerationsMapping.FromBson(found);
    }

    private Task SetGenerations(string projection, BsonDocument set, int? onlyIfBuilding, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("_id", projection);
        if (onlyIfBuilding is { } building) filter.Add("building", building);
        set.Add("updatedAt", BsonValues.Date(_time.GetUtcNow()));
        return _retry.Run($"record the generations of '{projection}'", t => Collection(CollectionNames.Generations)
            .UpdateOneAsync(filter, new BsonDocument("$set", set), cancellationToken: t), cancellationToken, isWrite: true);
    }

    private async Task DropStorage(string projection, int generation, CancellationToken cancellationToken)
    {
        var name = DocumentsCollection(projection, generation);
        await _retry.Run($"drop generation '{name}'", async t =>
        {
            await Collection(CollectionNames.Checkpoints).DeleteManyAsync(CheckpointMapping.GenerationFilter(projection, generation), t).ConfigureAwait(false);
            await Collection(CollectionNames.DeadLetters).DeleteManyAsync(DeadLettersOf(projection, generation), t).ConfigureAwait(false);
            await _database.DropCollectionAsync(name, t).ConfigureAwait(false);
        }, cancellationToken, isWrite: true).ConfigureAwait(false);
        await RevokeLeases(projection, generation, cancellationToken).ConfigureAwait(false);
    }

    private Task CreateDocumentsCollection(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        var name = DocumentsCollection(projection, generation);
        return _retry.Run($"create '{name}' and its indexes", async t =>
        {
            await CreateCollection(name, t).ConfigureAwait(false);
            if (indexes.Count == 0) return;
            using var found = await Collection(name).Indexes.ListAsync(t).ConfigureAwait(false);
            var plan = IndexPlan.For(name, indexes, await found.ToListAsync(t).ConfigureAwait(false));
            foreach (var adopted in plan.Adopted)
                _logger.LogInformation("{Store}: '{Collection}' already has the index '{Index}' on the same key; using it", Description, name, adopted);
            if (plan.Create.Count > 0) await Collection(name).Indexes.CreateManyAsync(plan.Create, t).ConfigureAwait(false);
        }, cancellationToken);
    }
}
