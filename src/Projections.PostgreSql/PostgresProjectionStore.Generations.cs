using Projections.Core.Ports;

namespace Projections.PostgreSql;

public sealed partial class PostgresProjectionStore
{
    public Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        EnsureProjection(projection, 1, indexes, cancellationToken);

    /// <summary>Registers the projection with generation 1 in <paramref name="shards"/> shards the first time; later calls return what is recorded.</summary>
    public async Task<ProjectionGenerations> EnsureProjection(string projection, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var entry = await InCatalog(projection, "ensure projection", async (catalog, ct) =>
        {
            var entry = await catalog.Read(projection, ct).ConfigureAwait(false) ?? await catalog.Register(projection, shards, ct).ConfigureAwait(false);
            await catalog.CreateStorage(entry.BaseName, entry.Generations.Active, indexes, ct).ConfigureAwait(false);
            if (entry.Generations.Building is { } building) await catalog.CreateStorage(entry.BaseName, building, indexes, ct).ConfigureAwait(false);
            await catalog.PointViewAt(entry.BaseName, entry.Generations.Active, ct).ConfigureAwait(false);
            return entry;
        }, cancellationToken).ConfigureAwait(false);
        _baseNames[projection] = entry.BaseName;
        return entry.Generations;
    }

    /// <summary>Creates empty storage for <paramref name="generation"/> (wiping what an earlier attempt left there) and records it as being built.</summary>
    public Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, indexes, preview: false, cancellationToken);

    public Task BeginGeneration(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, indexes, preview: false, cancellationToken);

    /// <summary>As the one-shard BeginGeneration, recording the generation as a preview that only an explicit activation switches to.</summary>
    public Task BeginPreview(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, indexes, preview: true, cancellationToken);

    public Task BeginPreview(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, indexes, preview: true, cancellationToken);

    private Task Begin(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, bool preview, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        return InCatalog(projection, $"begin generation {generation}", async (catalog, ct) =>
        {
            var entry = await catalog.Require(projection, ct).ConfigureAwait(false);
            if (generation == entry.Generations.Active)
                throw new InvalidOperationException($"Cannot begin generation {generation} of projection '{projection}': it is the active generation.");
            await catalog.DropStorage(projection, entry.BaseName, generation, ct).ConfigureAwait(false);
            await catalog.CreateStorage(entry.BaseName, generation, indexes, ct).ConfigureAwait(false);
            await catalog.Save(projection, entry.Generations with { Building = generation, Preview = preview, BuildingShards = shards }, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Switches the active generation and the projection's view in one transaction: readers see the old generation or the new one, never neither.</summary>
    public Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken) =>
        InCatalog(projection, $"activate generation {generation}", async (catalog, ct) =>
        {
            var entry = await catalog.Require(projection, ct).ConfigureAwait(false);
            if (!await catalog.StorageExists(entry.BaseName, generation, ct).ConfigureAwait(false))
                throw new InvalidOperationException($"Cannot activate generation {generation} of projection '{projection}': it was never begun.");
            var generations = entry.Generations.Building == generation
                ? new ProjectionGenerations(generation, null) { ActiveShards = entry.Generations.BuildingShards }
                : entry.Generations with { Active = generation };
            await catalog.Save(projection, generations, ct).ConfigureAwait(false);
            await catalog.PointViewAt(entry.BaseName, generation, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <summary>The sharded rebuild's switch: the conditional update and the view's move commit together, or not at all.</summary>
    public Task<bool> ActivateBuiltGeneration(string projection, int generation, CancellationToken cancellationToken) =>
        InCatalog(projection, $"activate built generation {generation}", async (catalog, ct) =>
        {
            if (await catalog.ActivateBuilt(projection, generation, ct).ConfigureAwait(false) is not { } baseName) return false;
            await catalog.PointViewAt(baseName, generation, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task DropGeneration(string projection, int generation, CancellationToken cancellationToken) =>
        InCatalog(projection, $"drop generation {generation}", async (catalog, ct) =>
        {
            var entry = await catalog.Require(projection, ct).ConfigureAwait(false);
            if (generation == entry.Generations.Active)
                throw new InvalidOperationException($"Cannot drop generation {generation} of projection '{projection}': it is the active generation.");
            await catalog.DropStorage(projection, entry.BaseName, generation, ct).ConfigureAwait(false);
            if (entry.Generations.Building == generation) await catalog.Save(projection, entry.Generations with { Building = null, Preview = false }, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    private Task<T> InCatalog<T>(string projection, string operation, Func<GenerationCatalog, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(projection)) throw new ArgumentException("Projection name is empty.", nameof(projection));
        return InTransaction($"{operation} of projection '{projection}'",
            (connection, transaction, ct) => work(new GenerationCatalog(connection, transaction, _schema, _leases), ct), cancellationToken);
    }
}
