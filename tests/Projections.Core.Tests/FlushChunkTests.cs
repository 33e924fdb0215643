using FluentAssertions;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// The flusher serializes a flush into one reused buffer and writes it in chunks of at most MaxBatchSize documents or about
/// <see cref="Flusher.ChunkBytes"/> of state, so a flush of large aggregates never needs a buffer the size of the flush.
/// </summary>
public sealed class FlushChunkTests
{
    public sealed record Filled(int Size, char Fill);
    public sealed record Blob(string Key, string Text);

    private sealed class BlobProjection : Projection<Blob>
    {
        public BlobProjection() : base("blobs")
        {
            FromStreams("b-");
            Initially(key => new Blob(key, ""));
            On<Filled>((s, e, _) => s with { Text = new string(e.Fill, e.Size) });
        }
    }

    [Fact]
    public async Task Aggregates_larger_than_a_chunk_are_written_one_per_batch_and_read_back_whole()
    {
        var h = Harness.Create(new BlobProjection());
        var batches = new List<(int Documents, ProjectionCheckpoint Checkpoint)>();
        h.Store.AfterWrite = batch => { lock (batches) batches.Add((batch.Documents.Count, batch.Checkpoint)); };
        var size = Flusher.ChunkBytes + 1000;
        for (var k = 0; k < 5; k++) h.Append($"b-{k}", new Filled(size, (char)('a' + k)));

        await h.Start();
        await using var _ = h;
        await h.WaitForHead("blobs");

        lock (batches)
        {
            batches.Where(b => b.Documents > 0).Should().OnlyContain(b => b.Documents == 1, "each state alone fills a chunk");
            batches.Sum(b => b.Documents).Should().BeGreaterThanOrEqualTo(5);
            batches.Select(b => b.Checkpoint.Position).Should().BeInAscendingOrder();
        }
        for (var k = 0; k < 5; k++)
        {
            var stored = await h.Store.LoadDocument("blobs", 1, $"b-{k}", TestContext.Current.CancellationToken);
            var blob = (Blob)h.Projections[0].DeserializeState(stored!.StateJson);
            blob.Text.Should().HaveLength(size).And.Match(t => t.All(c => c == (char)('a' + k)), $"b-{k} keeps its own bytes after later chunks reused the buffer");
        }
    }

    [Fact]
    public async Task Small_aggregates_of_one_flush_share_a_batch()
    {
        var h = Harness.Create(new BlobProjection());
        var batches = new List<int>();
        h.Store.AfterWrite = batch => { lock (batches) batches.Add(batch.Documents.Count); };
        for (var k = 0; k < 40; k++) h.Append($"b-{k}", new Filled(100, 'x'));

        await h.Start(Harness.DefaultOptions with { MaxBatchSize = 1000 });
        await using var _ = h;
        await h.WaitForHead("blobs");

        lock (batches) batches.Should().Contain(n => n > 1, "40 small states fit in one chunk's bytes");
    }
}
