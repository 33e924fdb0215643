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

    /// <summary>Creates empty storage for a new generation and records it as being built; revokes that generation's leases (an earlier builder is fenced out).</summary>
    Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="generation"/> the active one (readers follow) and clears "being built".</summary>
    Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken);

    /// <summary>Drops a generation's documents, checkpoint and dead letters, and revokes its leases (epochs grow, so their holders are fenced out).</summary>
    Task DropGeneration(string projection, int generation, CancellationToken cancellationToken);

    Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken);

    Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken cancellationToken);

    /// <summary>Streams every document of a generation (warm start, verify).</summary>
    IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a flush: documents (version-guarded: a document is replaced only by one that
    /// <see cref="StoredDocument.Supersedes"/> it), dead letters (idempotent by position), then the checkpoint — in one transaction where
    /// the store has them, otherwise strictly after everything else succeeded. The checkpoint never moves backwards.
    /// A batch with a <see cref="ProjectionBatch.Fence"/> is written only while the fence's epoch is the lease's
    /// current epoch; otherwise nothing is written and <see cref="LeaseLostException"/> is thrown.
    /// </summary>
    Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken);

    Task<long> CountDeadLetters(string projection, int generation, CancellationToken cancellationToken);
}

/// <summary>The active generation and the one being built by a rebuild, if any.</summary>
public sealed record ProjectionGenerations(int Active, int? Building);

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
}

/// <summary>The store refused a write for a reason retrying cannot fix (validation, document too large); names the aggregate.</summary>
public sealed class ProjectionStoreWriteException(string message, string? key = null, Exception? inner = null) : Exception(message, inner)
{
    public string? Key { get; } = key;
}

/// <summary>The store is temporarily unreachable or busy; the engine retries with backoff.</summary>
public sealed class ProjectionStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
