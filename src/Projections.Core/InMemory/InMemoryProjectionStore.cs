using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.InMemory;

/// <summary>
/// A projection store in memory with the same guarantees as the durable ones: version-guarded
/// documents, generations, dead letters idempotent by position, and each batch applied atomically.
/// Tests can inject failures and delays through <see cref="BeforeWrite"/>. Leases expire by <paramref name="clock"/>.
/// </summary>
public sealed partial class InMemoryProjectionStore(TimeProvider? clock = null) : IProjectionStore, ILeaseStore
{
    private readonly object _sync = new();
    private readonly Dictionary<string, ProjectionData> _projections = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Description => "in-memory projection store";

    /// <summary>Called before each batch is applied; throw to fail the write, await to delay it.</summary>
    public Func<ProjectionBatch, CancellationToken, Task>? BeforeWrite { get; set; }

    /// <summary>Called after each batch was applied (while no other batch can be applied).</summary>
    public Action<ProjectionBatch>? AfterWrite { get; set; }

    /// <summary>Number of successful <see cref="WriteBatch"/> calls.</summary>
    public int BatchesWritten { get { lock (_sync) return _batches; } }
    private int _batches;

    public Task Initialize(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        EnsureProjection(projection, 1, indexes, cancellationToken);

    public Task<ProjectionGenerations> EnsureProjection(string projection, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        lock (_sync)
        {
            if (!_projections.TryGetValue(projection, out var p))
            {
                _projections[projection] = p = new ProjectionData { Active = 1 };
                p.Generations[1] = new GenerationData(shards);
            }
            return Task.FromResult(p.Snapshot());
        }
    }

    public Task<ProjectionGenerations> ReadGenerations(string projection, CancellationToken cancellationToken)
    {
        lock (_sync) return Task.FromResult(Projection(projection).Snapshot());
    }

    public Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, preview: false);

    public Task BeginGeneration(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, preview: false);

    public Task BeginPreview(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, preview: true);

    public Task BeginPreview(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, preview: true);

    private Task Begin(string projection, int generation, int shards, bool preview)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        lock (_sync)
        {
            var p = Projection(projection);
            if (p.Active == generation) throw new InvalidOperationException($"Generation {generation} of projection '{projection}' is the active one.");
            p.Generations[generation] = new GenerationData(shards);
            p.Building = generation;
            p.Preview = preview;
            RevokeLeases(projection, generation);
        }
        return Task.CompletedTask;
    }

    public Task<bool> ActivateBuiltGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var p = Projection(projection);
            if (p.Building != generation || p.Preview) return Task.FromResult(false);
            p.Active = generation;
            (p.Building, p.Preview) = (null, false);
            return Task.FromResult(true);
        }
    }

    public Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var p = Projection(projection);
            Generation(projection, generation);
            p.Active = generation;
            if (p.Building == generation) (p.Building, p.Preview) = (null, false);
        }
        return Task.CompletedTask;
    }

    public Task DropGeneration(string projection, int generation, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var p = Projection(projection);
            if (p.Active == generation) throw new InvalidOperationException($"Generation {generation} of projection '{projection}' is active and cannot be dropped.");
            p.Generations.Remove(generation);
            if (p.Building == generation) (p.Building, p.Preview) = (null, false);
            RevokeLeases(projection, generation);
        }
        return Task.CompletedTask;
    }

    /// <summary>The generations that currently exist (tests check that dropped ones are gone).</summary>
    public IReadOnlyList<int> ListGenerations(string projection)
    {
        lock (_sync) return _projections.TryGetValue(projection, out var p) ? p.Generations.Keys.Order().ToArray() : [];
    }

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken) =>
        LoadCheckpoint(projection, generation, 0, cancellationToken);

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, int shard, CancellationToken cancellationToken)
    {
        lock (_sync) return Task.FromResult(Existing(projection, generation)?.Checkpoints.GetValueOrDefault(shard));
    }

    public Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken cancellationToken)
    {
        lock (_sync) return Task.FromResult(Existing(projection, generation)?.Documents.GetValueOrDefault(key));
    }

    public async IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StoredDocument[] documents;
        lock (_sync) documents = (Existing(projection, generation)?.Documents.Values ?? Enumerable.Empty<StoredDocument>()).OrderBy(d => d.Key, StringComparer.Ordinal).ToArray();
        foreach (var d in documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return d;
        }
        await Task.CompletedTask;
    }

    public async Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken)
    {
        if (BeforeWrite is { } hook) await hook(batch, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (batch.Fence is { } fence) CheckFence(fence);
            var g = Generation(batch.Projection, batch.Generation);
            foreach (var d in batch.Documents)
            {
                if (g.Documents.TryGetValue(d.Key, out var existing) && !d.Supersedes(existing)) continue;
                g.Documents[d.Key] = d with { StateJson = d.StateJson.ToArray() };
            }
            foreach (var dl in batch.DeadLetters) g.DeadLetters.TryAdd(dl.Position, dl);
            if (batch.Shard < 0 || batch.Shard >= g.Shards)
                throw new ProjectionStoreWriteException($"Projection '{batch.Projection}' generation {batch.Generation} has {g.Shards} shard(s); a batch of shard {batch.Shard} cannot be written.");
            if (g.Checkpoints.GetValueOrDefault(batch.Shard) is not { } stored || batch.Checkpoint.Position >= stored.Position) g.Checkpoints[batch.Shard] = batch.Checkpoint;
            _batches++;
            AfterWrite?.Invoke(batch);
        }
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken)
    {
        lock (_sync)
            return Task.FromResult<IReadOnlyList<DeadLetter>>((Existing(projection, generation)?.DeadLetters.Values ?? Enumerable.Empty<DeadLetter>()).Skip(skip).Take(take).ToArray());
    }

    public Task<long> CountDeadLetters(string projection, int generation, CancellationToken cancellationToken)
    {
        lock (_sync) return Task.FromResult((long)(Existing(projection, generation)?.DeadLetters.Count ?? 0));
    }

    /// <summary>Number of documents in a generation.</summary>
    public int CountDocuments(string projection, int generation)
    {
        lock (_sync) return Existing(projection, generation)?.Documents.Count ?? 0;
    }

    /// <summary>Reads of a dropped generation find nothing, as in the durable stores.</summary>
    private GenerationData? Existing(string projection, int generation) =>
        Projection(projection).Generations.GetValueOrDefault(generation);

    private ProjectionData Projection(string projection) =>
        _projections.TryGetValue(projection, out var p) ? p : throw new InvalidOperationException($"Projection '{projection}' is not known to the store: call EnsureProjection first.");

    private GenerationData Generation(string projection, int generation) =>
        Projection(projection).Generations.TryGetValue(generation, out var g) ? g
            : throw new InvalidOperationException($"Projection '{projection}' has no generation {generation}.");

    private sealed class ProjectionData
    {
        public int Active;
        public int? Building;
        public bool Preview;
        public readonly Dictionary<int, GenerationData> Generations = [];

        public ProjectionGenerations Snapshot() => new(Active, Building, Preview)
        {
            ActiveShards = Generations.GetValueOrDefault(Active)?.Shards ?? 1,
            BuildingShards = Building is { } b ? Generations.GetValueOrDefault(b)?.Shards ?? 1 : 1,
        };
    }

    private sealed class GenerationData(int shards)
    {
        public int Shards { get; } = shards;
        public readonly Dictionary<string, StoredDocument> Documents = new(StringComparer.Ordinal);
        public readonly SortedDictionary<GlobalPosition, DeadLetter> DeadLetters = [];
        public readonly Dictionary<int, ProjectionCheckpoint> Checkpoints = [];
    }
}
