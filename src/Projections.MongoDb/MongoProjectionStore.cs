using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// The projection store on MongoDB. Read models are plain documents, one collection per projection
/// generation ("plant-items.g1"); see <see cref="DocumentMapping"/> for their shape and the README for
/// queries. A flush is one unordered bulkWrite of version-guarded upserts, then dead letters, then the
/// checkpoint — in one transaction when the server supports them, otherwise strictly in that order.
/// </summary>
public sealed class MongoProjectionStore : IProjectionStore, IDisposable
{
    private readonly MongoStoreSettings _settings;
    private readonly MongoProjectionStoreOptions _options;
    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryPolicy _retry;
    private readonly SemaphoreSlim _initializeLock = new(1, 1);
    private volatile bool _initialized;

    /// <exception cref="MongoStoreConfigurationException">The options are unusable; the message names what is wrong (never the password).</exception>
    public MongoProjectionStore(MongoProjectionStoreOptions options, TimeProvider? time = null, ILogger<MongoProjectionStore>? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _settings = MongoStoreSettings.From(options);
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _client = new MongoClient(_settings.Client);
        _database = _client.GetDatabase(_settings.DatabaseName, new MongoDatabaseSettings { WriteConcern = _settings.WriteConcern });
        _retry = new RetryPolicy(options.MaxAttempts, options.RetryDelay, options.MaxRetryDelay, _settings.Description, _logger);
    }

    public string Description => _settings.Description;

    /// <summary>Whether flushes use a transaction (known after <see cref="Initialize"/>).</summary>
    public bool UsesTransactions { get; private set; }

    public async Task Initialize(CancellationToken cancellationToken)
    {
        if (_initialized) return;
        await _initializeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized) return;
            // One attempt: an unreachable server at start is reported at once, not after minutes of retries.
            var hello = await _retry.Run("answer 'hello'", t => _database.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: t), cancellationToken, attempts: 1).ConfigureAwait(false);
            UsesTransactions = _options.UseTransactionsWhenAvailable && TransactionSupport.FromHello(hello);
            await _retry.Run("create the store's collections", async t =>
            {
                foreach (var name in new[] { CollectionNames.Generations, CollectionNames.Checkpoints, CollectionNames.DeadLetters })
                    await CreateCollection(name, t).ConfigureAwait(false);
                await Collection(CollectionNames.DeadLetters).Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                    new BsonDocument { { "projection", 1 }, { "generation", 1 }, { "position.commit", 1 }, { "position.prepare", 1 } },
                    new CreateIndexOptions { Name = "projection_generation_position" }), cancellationToken: t).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("{Store}: connected to a {Topology}; flushes {Mode}", Description, TransactionSupport.Describe(hello),
                UsesTransactions ? "write documents and checkpoint in one transaction" : "write the checkpoint after the documents");
            _initialized = true;
        }
        finally
        {
            _initializeLock.Release();
        }
    }

    public async Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        CollectionNames.Documents(_settings.DatabaseName, projection, 1); // validates the name
        var registered = await _retry.Run($"register projection '{projection}'", t => Collection(CollectionNames.Generations).FindOneAndUpdateAsync(
            BatchModels.ById(projection),
            new BsonDocument("$setOnInsert", new BsonDocument { { "active", 1 }, { "building", BsonNull.Value } }),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            t), cancellationToken).ConfigureAwait(false);
        var generations = GenerationsMapping.FromBson(registered);
        await CreateDocumentsCollection(projection, generations.Active, indexes, cancellationToken).ConfigureAwait(false);
        if (generations.Building is { } building)
            await CreateDocumentsCollection(projection, building, indexes, cancellationToken).ConfigureAwait(false);
        return generations;
    }

    public async Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        var current = await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (generation == current.Active)
            throw new InvalidOperationException($"Generation {generation} of projection '{projection}' is the active one; a rebuild needs a new generation number.");
        // "Empty storage": leftovers of an earlier attempt at this generation number are removed first.
        await DropStorage(projection, generation, cancellationToken).ConfigureAwait(false);
        await CreateDocumentsCollection(projection, generation, indexes, cancellationToken).ConfigureAwait(false);
        await SetGenerations(projection, new BsonDocument("building", generation), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        CollectionNames.Documents(_settings.DatabaseName, projection, generation);
        await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        await SetGenerations(projection, new BsonDocument { { "active", generation }, { "building", BsonNull.Value } }, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task DropGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        var current = await LoadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (generation == current.Active)
            throw new InvalidOperationException($"Generation {generation} of projection '{projection}' is active and cannot be dropped; activate another generation first.");
        // Forget the generation first, so a crash part-way leaves orphaned data, never a pointer to missing data.
        if (current.Building == generation)
            await SetGenerations(projection, new BsonDocument("building", BsonNull.Value), generation, cancellationToken).ConfigureAwait(false);
        await DropStorage(projection, generation, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var id = CollectionNames.CheckpointId(DocumentsCollection(projection, generation));
        var found = await _retry.Run($"load the checkpoint of '{id}'", t => FindOne(Collection(CollectionNames.Checkpoints), id, t), cancellationToken).ConfigureAwait(false);
        return found is null ? null : CheckpointMapping.FromBson(found);
    }

    public async Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var name = DocumentsCollection(projection, generation);
        var found = await _retry.Run($"load '{key}' from '{name}'", t => FindOne(Collection(name), key, t), cancellationToken).ConfigureAwait(false);
        return found is null ? null : DocumentMapping.FromBson(found, name);
    }

    public async IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var name = DocumentsCollection(projection, generation);
        using var cursor = await _retry.Run($"read '{name}'", t => Collection(name).FindAsync(FilterDefinition<BsonDocument>.Empty,
            new FindOptions<BsonDocument> { BatchSize = 1000 }, t), cancellationToken).ConfigureAwait(false);
        while (await _retry.Run($"read '{name}'", cursor.MoveNextAsync, cancellationToken, attempts: 1).ConfigureAwait(false))
            foreach (var document in cursor.Current)
                yield return DocumentMapping.FromBson(document, name);
    }

    public async Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var models = BatchModels.For(_settings.DatabaseName, batch, _time.GetUtcNow());
        var operation = $"write a batch of {batch.Documents.Count} document(s) to '{models.Collection}'";
        await _retry.Run(operation, t => UsesTransactions ? WriteInTransaction(models, t) : WriteInOrder(null, models, t), cancellationToken, isWrite: true).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        CollectionNames.Documents(_settings.DatabaseName, projection, generation);
        var found = await _retry.Run($"read dead letters of '{projection}'", t => Collection(CollectionNames.DeadLetters)
            .Find(DeadLettersOf(projection, generation))
            .Sort(new BsonDocument { { "position.commit", 1 }, { "position.prepare", 1 } })
            .Skip(skip).Limit(take).ToListAsync(t), cancellationToken).ConfigureAwait(false);
        return found.Select(DeadLetterMapping.FromBson).ToList();
    }

    public async Task<long> CountDeadLetters(string projection, int generation, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        CollectionNames.Documents(_settings.DatabaseName, projection, generation);
        return await _retry.Run($"count dead letters of '{projection}'", t => Collection(CollectionNames.DeadLetters)
            .CountDocumentsAsync(DeadLettersOf(projection, generation), cancellationToken: t), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _client.Dispose();
        _initializeLock.Dispose();
    }

    private async Task WriteInTransaction(BatchModels models, CancellationToken cancellationToken)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await session.WithTransactionAsync(
            async (s, t) => { await WriteInOrder(s, models, t).ConfigureAwait(false); return true; },
            new TransactionOptions(writeConcern: _settings.WriteConcern),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Documents, then dead letters, then the checkpoint: each step starts only after the previous one succeeded.</summary>
    private async Task WriteInOrder(IClientSessionHandle? session, BatchModels models, CancellationToken cancellationToken)
    {
        await GuardedBulkWrite.Run(Collection(models.Collection), session, models.Documents,
            i => ($"the document of aggregate '{models.DocumentKeys[i]}'", models.DocumentKeys[i]), cancellationToken).ConfigureAwait(false);
        await GuardedBulkWrite.Run(Collection(CollectionNames.DeadLetters), session, models.DeadLetters,
            i => ($"a dead letter of '{models.Collection}'", null), cancellationToken).ConfigureAwait(false);
        await GuardedBulkWrite.Run(Collection(CollectionNames.Checkpoints), session, [models.CheckpointWrite],
            _ => ($"the checkpoint of '{models.Collection}'", null), cancellationToken).ConfigureAwait(false);
    }

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
            await Collection(CollectionNames.Checkpoints).DeleteOneAsync(BatchModels.ById(CollectionNames.CheckpointId(name)), t).ConfigureAwait(false);
            await Collection(CollectionNames.DeadLetters).DeleteManyAsync(DeadLettersOf(projection, generation), t).ConfigureAwait(false);
            await _database.DropCollectionAsync(name, t).ConfigureAwait(false);
        }, cancellationToken, isWrite: true).ConfigureAwait(false);
    }

    private Task CreateDocumentsCollection(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        var name = DocumentsCollection(projection, generation);
        return _retry.Run($"create '{name}' and its indexes", async t =>
        {
            await CreateCollection(name, t).ConfigureAwait(false);
            var models = IndexModels.For(indexes);
            if (models.Count > 0) await Collection(name).Indexes.CreateManyAsync(models, t).ConfigureAwait(false);
        }, cancellationToken);
    }

    private async Task CreateCollection(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _database.CreateCollectionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (e.Code == MongoErrorCodes.NamespaceExists)
        {
        }
    }

    private static async Task<BsonDocument?> FindOne(IMongoCollection<BsonDocument> collection, string id, CancellationToken cancellationToken)
    {
        using var cursor = await collection.FindAsync(BatchModels.ById(id), new FindOptions<BsonDocument> { Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return await cursor.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    private static BsonDocument DeadLettersOf(string projection, int generation) => new() { { "projection", projection }, { "generation", generation } };

    private string DocumentsCollection(string projection, int generation) => CollectionNames.Documents(_settings.DatabaseName, projection, generation);

    private IMongoCollection<BsonDocument> Collection(string name) => _database.GetCollection<BsonDocument>(name);

    private Task Ready(CancellationToken cancellationToken) => _initialized ? Task.CompletedTask : Initialize(cancellationToken);
}
