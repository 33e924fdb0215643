using System.Diagnostics;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// Passes every call to the real store and counts what was written and how long the writes took, so
/// the runner can report write amplification and the store's share of the elapsed time.
/// </summary>
public sealed class CountingProjectionStore(IProjectionStore inner) : IProjectionStore
{
    private long _documents;
    private long _batches;
    private long _writeTicks;
    private long _loads;

    public long DocumentsWritten => Interlocked.Read(ref _documents);
    public long BatchesWritten => Interlocked.Read(ref _batches);
    public long DocumentsLoaded => Interlocked.Read(ref _loads);
    public TimeSpan WriteTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _writeTicks));

    public string Description => inner.Description;

    public Task Initialize(CancellationToken ct) => inner.Initialize(ct);

    public Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken ct) =>
        inner.EnsureProjection(projection, indexes, ct);

    public Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken ct) =>
        inner.BeginGeneration(projection, generation, indexes, ct);

    public Task ActivateGeneration(string projection, int generation, CancellationToken ct) => inner.ActivateGeneration(projection, generation, ct);

    public Task DropGeneration(string projection, int generation, CancellationToken ct) => inner.DropGeneration(projection, generation, ct);

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken ct) =>
        inner.LoadCheckpoint(projection, generation, ct);

    public Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken ct)
    {
        Interlocked.Increment(ref _loads);
        return inner.LoadDocument(projection, generation, key, ct);
    }

    public IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, CancellationToken ct) =>
        inner.LoadAllDocuments(projection, generation, ct);

    public async Task WriteBatch(ProjectionBatch batch, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.WriteBatch(batch, ct);
        Interlocked.Add(ref _writeTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref _documents, batch.Documents.Count);
        Interlocked.Increment(ref _batches);
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken ct) =>
        inner.ReadDeadLetters(projection, generation, skip, take, ct);

    public Task<long> CountDeadLetters(string projection, int generation, CancellationToken ct) => inner.CountDeadLetters(projection, generation, ct);
}
