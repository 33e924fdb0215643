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
/// queries. A flush is written in pieces small enough for one transaction each (<see cref="FlushPiece"/>):
/// unordered bulkWrites of version-guarded upserts, then dead letters, and in the last piece the
/// checkpoint — each piece in a transaction when the server supports them, otherwise strictly in that order.
/// </summary>
public sealed partial class MongoProjectionStore : IProjectionStore, IDisposable
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
    private TransactionLimits _limits = TransactionLimits.Default;

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
            _limits = TransactionLimits.FromHello(hello);
            await _retry.Run("create the store's collections", async t =>
            {
                foreach (var name in new[] { CollectionNames.Generations, CollectionNames.Checkpoints, CollectionNames.DeadLetters, LeaseModels.Collection, HostModels.Collection })
                    await CreateCollection(name, t).ConfigureAwait(false);
                await CreateDeadLetterIndex(t).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("{Store}: connected to a {Topology}; flushes {Mode}", Description, TransactionSupport.Describe(hello),
                UsesTransactions ? "write each piece in a transaction, the checkpoint in the last" : "write the checkpoint after the documents");
            _initialized = true;
        }
        finally
        {
            _initializeLock.Release();
        }
    }

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken) =>
        LoadCheckpoint(projection, generation, 0, cancellationToken);

    public async Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, int shard, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        var id = CollectionNames.CheckpointId(DocumentsCollection(projection, generation), shard);
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

    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken)
    {
        await Ready(cancellationToken).ConfigureAwait(false);
        CollectionNames.Documents(_settings.DatabaseName, projection, generation);
        if (take <= 0) return []; // MongoDB reads limit 0 as "no limit"
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

    private async Task CreateCollection(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _database.CreateCollectionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (e.Code == MongoErrorCodes.NamespaceExists)
        {
        }
        using var found = await _database.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("name", name) }, cancellationToken).ConfigureAwait(false);
        if (CollectionOptionsCheck.Problem(name, await found.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)) is { } problem)
            throw new InvalidOperationException($"{Description}: {problem}");
    }

    private async Task CreateDeadLetterIndex(CancellationToken cancellationToken)
    {
        try
        {
            await Collection(CollectionNames.DeadLetters).Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                new BsonDocument { { "projection", 1 }, { "generation", 1 }, { "position.commit", 1 }, { "position.prepare", 1 } },
                new CreateIndexOptions { Name = "projection_generation_position" }), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (e.Code == MongoErrorCodes.IndexOptionsConflict)
        {
            // An operator made the same index under another name: it serves the same reads.
            _logger.LogInformation("{Store}: using the existing index of '{Collection}' on the same key ({Message})", Description, CollectionNames.DeadLetters, e.ErrorMessage);
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
