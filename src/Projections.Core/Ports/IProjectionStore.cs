using Projections.Core.Events;

namespace Projections.Core.Ports;

/// <summary>
/// Where projections persist their read models, checkpoints and dead letters.
/// Each projection has numbered generations; exactly one is active (served to readers), and at most
/// one more is being built by a rebuild. Every method is safe to call concurrently for different projections.
/// </summary>
public interface IProjectionStore
{
    /// <summary>A short description for logs and the dashboard, without credentials.</summary>
    string Description { get; }

    /// <summary>Creates the store's schema if missing. Throws one clear error when the store is unusable.</summary>
    Task Initialize(CancellationToken cancellationToken);

    /// <summary>Returns the projection's generations, creating generation 1 (active, empty) the first time.</summary>
    Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken);

    /// <summary>
    /// As the overload without a shard count, creating generation 1 with
    /// <paramref name="shards"/> shards the first time (design.md "Shards"). An existing projection keeps its recorded shard
    /// count (<see cref="ProjectionGenerations.ActiveShards"/>): changing it is a rebuild, which the engine asks for.
    /// The default serves stores that do not know shards: one shard only.
    /// </summary>
    Task<ProjectionGenerations> EnsureProjection(string projection, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        shards == 1 ? EnsureProjection(projection, indexes, cancellationToken) : throw ShardsNotSupported(shards);

    /// <summary>
    /// The projection's generations as recorded, read without changing anything: hosts poll it every lease
    /// renewal to follow a switch or a rebuild made elsewhere. The default goes through EnsureProjection;
    /// stores override it with a plain read.
    /// </summary>
    Task<ProjectionGenerations> ReadGenerations(string projection, CancellationToken cancellationToken) =>
        EnsureProjection(projection, [], cancellationToken);

    /// <summary>Creates empty storage for a new generation and records it as being built (one shard); revokes that generation's leases (an earlier builder is fenced out).</summary>
    Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken);

    /// <summary>As <see cref="BeginGeneration(string, int, IReadOnlyList{IndexDefinition}, CancellationToken)"/>, recording the new generation's shard count (<see cref="ProjectionGenerations.BuildingShards"/>).</summary>
    Task BeginGeneration(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        shards == 1 ? BeginGeneration(projection, generation, indexes, cancellationToken) : throw ShardsNotSupported(shards);

    /// <summary>
    /// As the one-shard BeginGeneration, and records the generation as a <b>preview</b> (<see cref="ProjectionGenerations.Preview"/>):
    /// it is built and kept following like a rebuild but becomes active only by an explicit <see cref="ActivateGeneration"/>.
    /// Activating or dropping it clears the mark; BeginGeneration records a plain rebuild.
    /// </summary>
    Task BeginPreview(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Description} cannot keep a rebuild preview.");

    /// <summary>As <see cref="BeginPreview(string, int, IReadOnlyList{IndexDefinition}, CancellationToken)"/>, recording the preview's shard count.</summary>
    Task BeginPreview(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        shards == 1 ? BeginPreview(projection, generation, indexes, cancellationToken) : throw ShardsNotSupported(shards);

    /// <summary>Makes <paramref name="generation"/> the active one (readers follow) and clears "being built".</summary>
    Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken);

    /// <summary>
    /// Activates <paramref name="generation"/> only while it is still the one being built (not a preview): the switch of a sharded
    /// rebuild, which whichever host sees every shard past the target records once. False when it is not being built any more
    /// (another host switched, or it was discarded). The default reads then activates; stores make it one atomic step.
    /// </summary>
    async Task<bool> ActivateBuiltGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        var generations = await ReadGenerations(projection, cancellationToken).ConfigureAwait(false);
        if (generations.Building != generation || generations.Preview) return false;
        await ActivateGeneration(projection, generation, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Drops a generation's documents, checkpoint and dead letters, and revokes its leases (epochs grow, so their holders are fenced out).</summary>
    Task DropGeneration(string projection, int generation, CancellationToken cancellationToken);

    /// <summary>The checkpoint of shard 0 (the whole projection when it has one shard).</summary>
    Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken);

    /// <summary>
    /// The checkpoint of one shard: every event of that shard at or before its position is reflected in the store. Shards move
    /// independently; rows written before shards existed are shard 0's. The default serves stores that do not know shards.
    /// </summary>
    Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, int shard, CancellationToken cancellationToken) =>
        shard == 0 ? LoadCheckpoint(projection, generation, cancellationToken) : throw ShardsNotSupported(shard + 1);

    Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken cancellationToken);

    /// <summary>Streams every document of a generation (warm start, verify).</summary>
    IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a flush: documents (version-guarded: a document is replaced only by one that
    /// <see cref="StoredDocument.Supersedes"/> it), dead letters (idempotent by position), then the checkpoint — in one transaction where
    /// the store has them, otherwise strictly after everything else succeeded. The checkpoint never moves backwards.
    /// A batch with a <see cref="ProjectionBatch.Fence"/> is written only while the fence's epoch is the lease's
    /// current epoch; otherwise nothing is written and <see cref="LeaseLostException"/> is thrown.
    /// The documents' <see cref="StoredDocument.StateJson"/> bytes belong to the engine and are reused once the
    /// returned task completes: a store that keeps them past that (in memory, say) copies them.
    /// </summary>
    Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> documents' deadlines (documents with no deadline are left out), in
    /// (deadline, key) order, strictly after <paramref name="after"/> (null: from the first). The engine
    /// pages through these for the timers of aggregates it does not keep in memory. This default scans
    /// every document; a store with an index on the deadline should answer it from the index.
    /// </summary>
    async Task<IReadOnlyList<StoredTimeout>> LoadTimeouts(string projection, int generation, StoredTimeout? after, int limit, CancellationToken cancellationToken)
    {
        var timeouts = new List<StoredTimeout>();
        await foreach (var doc in LoadAllDocuments(projection, generation, cancellationToken).ConfigureAwait(false))
            if (doc.TimeoutAt is { } deadline && (after is not { } a || new StoredTimeout(doc.Key, deadline).CompareTo(a) > 0))
                timeouts.Add(new StoredTimeout(doc.Key, deadline));
        timeouts.Sort();
        return timeouts.Count <= limit ? timeouts : timeouts.GetRange(0, limit);
    }

    Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken);

    Task<long> CountDeadLetters(string projection, int generation, CancellationToken cancellationToken);

    private NotSupportedException ShardsNotSupported(int shards) =>
        new($"{Description} keeps one shard per projection; it cannot run {shards} shards. Use --shards 1 with it.");
}

/// <summary>
/// The active generation and the one being built by a rebuild, if any. <paramref name="Preview"/>: the one being built is
/// a preview (<c>run --rebuild --preview</c>), which no host activates by itself; only a switch does (design.md "Preview generations").
/// </summary>
public sealed record ProjectionGenerations(int Active, int? Building, bool Preview = false)
{
    /// <summary>The active generation's shard count, fixed for its life (1 for projections created before shards).</summary>
    public int ActiveShards { get; init; } = 1;

    /// <summary>The shard count of the generation being built (1 when none is, or it was begun without one).</summary>
    public int BuildingShards { get; init; } = 1;

    /// <summary>The shard count of <paramref name="generation"/>, the active or the building one.</summary>
    public int ShardsOf(int generation) => generation == Building ? BuildingShards : ActiveShards;
}

/// <summary>How far a generation has persisted: every event at or before <see cref="Position"/> is reflected in the store.</summary>
public sealed record ProjectionCheckpoint(GlobalPosition Position, DateTimeOffset? StreamTime);

/// <summary>A field of the state (as serialized, camelCase path such as "status") to index in the store.</summary>
public sealed record IndexDefinition(string Field);

/// <summary>One aggregate as persisted. <see cref="StateJson"/> is the state serialized as a UTF-8 JSON object.</summary>
public sealed record StoredDocument(
    string Key,
    ReadOnlyMemory<byte> StateJson,
    long Version,
    GlobalPosition Position,
    DateTimeOffset? TimeoutAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The store's version guard: this write replaces <paramref name="stored"/> only when it is newer by
    /// (position, version). Position alone is not enough: a timeout changes the state (and the version)
    /// without a new event, so its write carries the same position as the stored document.
    /// </summary>
    public bool Supersedes(StoredDocument stored) =>
        Position != stored.Position ? Position > stored.Position : Version > stored.Version;
}

/// <summary>A stored document's deadline, ordered by (deadline, key ordinal).</summary>
public readonly record struct StoredTimeout(string Key, DateTimeOffset TimeoutAt) : IComparable<StoredTimeout>
{
    public int CompareTo(StoredTimeout other)
    {
        var c = TimeoutAt.CompareTo(other.TimeoutAt);
        return c != 0 ? c : string.CompareOrdinal(Key, other.Key);
    }
}

/// <summary>An event that a projection could not handle, parked with the reason instead of stopping.</summary>
public sealed record DeadLetter(
    GlobalPosition Position,
    string StreamId,
    ulong StreamRevision,
    Guid EventId,
    string EventType,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> Metadata,
    string Reason,
    DateTimeOffset ParkedAt);

/// <summary>One flush of one projection generation.</summary>
public sealed record ProjectionBatch(
    string Projection,
    int Generation,
    IReadOnlyList<StoredDocument> Documents,
    IReadOnlyList<DeadLetter> DeadLetters,
    ProjectionCheckpoint Checkpoint)
{
    /// <summary>The writer's lease (see <see cref="ILeaseStore"/>); null for an unfenced write (a single host, tests, tools).</summary>
    public Lease? Fence { get; init; }

    /// <summary>The shard this batch belongs to: its <see cref="Checkpoint"/> is that shard's (0 when the projection has one shard).</summary>
    public int Shard { get; init; }
}

/// <summary>The store refused a write for a reason retrying cannot fix (validation, document too large); names the aggregate.</summary>
public sealed class ProjectionStoreWriteException(string message, string? key = null, Exception? inner = null) : Exception(message, inner)
{
    public string? Key { get; } = key;
}

/// <summary>The store is temporarily unreachable or busy; the engine retries with backoff.</summary>
public sealed class ProjectionStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
