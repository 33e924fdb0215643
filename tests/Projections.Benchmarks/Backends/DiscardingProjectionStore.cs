using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// A projection store that keeps checkpoints and generations but drops documents after counting them.
/// Used only by the memory scenario: the managed heap then holds the engine's aggregates and nothing
/// of the store's copies, so the heap difference is the engine's own cost. A load finds nothing, as
/// for a key never seen; the memory workload never revisits an evicted aggregate.
/// </summary>
public sealed class DiscardingProjectionStore : IProjectionStore
{
    private readonly ConcurrentDictionary<(string, int), ProjectionCheckpoint> _checkpoints = new();
    private readonly ConcurrentDictionary<string, ProjectionGenerations> _generations = new();
    private long _documents;

    public long DocumentsWritten => Interlocked.Read(ref _documents);
    public string Description => "discarding (memory measurement)";

    public Task Initialize(CancellationToken ct) => Task.CompletedTask;

    public Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken ct) =>
        Task.FromResult(_generations.GetOrAdd(projection, _ => new ProjectionGenerations(1, null)));

    public Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken ct)
    {
        _generations.AddOrUpdate(projection, _ => new ProjectionGenerations(1, generation), (_, g) => g with { Building = generation });
        return Task.CompletedTask;
    }

    public Task ActivateGeneration(string projection, int generation, CancellationToken ct)
    {
        _generations[projection] = new ProjectionGenerations(generation, null);
        return Task.CompletedTask;
    }

    public Task DropGeneration(string projection, int generation, CancellationToken ct)
    {
        _checkpoints.TryRemove((projection, generation), out _);
        return Task.CompletedTask;
    }

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken ct) =>
        Task.FromResult(_checkpoints.TryGetValue((projection, generation), out var c) ? c : null);

    public Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken ct) =>
        Task.FromResult<StoredDocument?>(null);

    public async IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task WriteBatch(ProjectionBatch batch, CancellationToken ct)
    {
        Interlocked.Add(ref _documents, batch.Documents.Count);
        _checkpoints[(batch.Projection, batch.Generation)] = batch.Checkpoint;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<DeadLetter>>([]);

    public Task<long> CountDeadLetters(string projection, int generation, CancellationToken ct) => Task.FromResult(0L);
}
