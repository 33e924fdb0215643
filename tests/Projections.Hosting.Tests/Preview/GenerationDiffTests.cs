using System.Reflection;
using System.Text;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Hosting.Preview;
using Xunit;

namespace Projections.Hosting.Tests.Preview;

/// <summary>
/// The diff compares both generations as of the lower checkpoint: while both follow live events, a document
/// one of them has already moved past (by an event or a timeout) is pending, not a difference.
/// </summary>
public sealed class GenerationDiffTests
{
    private const string Name = "p";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Documents_touched_after_the_lower_checkpoint_or_due_a_timeout_are_pending_the_rest_is_compared()
    {
        var store = new InMemoryProjectionStore();
        await store.EnsureProjection(Name, [], Ct);
        await store.WriteBatch(Batch(1, checkpoint: 10, streamTime: T0.AddMinutes(10),
            Doc("same", """{"n":1}""", 5), Doc("changed", """{"n":1,"s":"a"}""", 5), Doc("ahead", """{"n":2}""", 9),
            Doc("due", """{"lost":true}""", 4)), Ct); // its timeout fired at 9 minutes of stream time
        await store.BeginPreview(Name, 2, [], Ct);
        await store.WriteBatch(Batch(2, checkpoint: 8, streamTime: T0.AddMinutes(8),
            Doc("same", """{"n":1}""", 5), Doc("changed", """{"n":1,"s":"b"}""", 5), Doc("ahead", """{"n":1}""", 6),
            Doc("due", """{"lost":false}""", 4, timeout: T0.AddMinutes(9))), Ct);

        var report = await GenerationDiff.Compute(store, Name, new DiffQuery(null, null, 0, 50), Ct);

        (report.Added, report.Removed, report.Changed, report.Unchanged, report.Pending).Should().Be((0, 0, 1, 1, 2));
        report.Documents.Should().ContainSingle().Which.Key.Should().Be("changed");
        report.Documents[0].Fields.Select(f => $"{f.Path}: {f.Old!.ToJsonString()} -> {f.New!.ToJsonString()}").Should().Equal("s: \"a\" -> \"b\"");
    }

    [Fact]
    public async Task A_timeout_that_fires_in_the_preview_while_the_diff_reads_its_documents_is_pending_not_a_change()
    {
        var inner = new InMemoryProjectionStore();
        await inner.EnsureProjection(Name, [], Ct);
        await inner.WriteBatch(Batch(1, checkpoint: 10, streamTime: T0.AddMinutes(10), Doc("due", """{"lost":false}""", 4, timeout: T0.AddMinutes(11))), Ct);
        await inner.BeginPreview(Name, 2, [], Ct);
        await inner.WriteBatch(Batch(2, checkpoint: 8, streamTime: T0.AddMinutes(8), Doc("due", """{"lost":false}""", 4, timeout: T0.AddMinutes(11))), Ct);
        // The preview follows live events: after the diff read both checkpoints, its next flush carries the
        // timeout that fired at 11 minutes, on a document whose last event is still position 4.
        var store = FlushingWhileRead.Around(inner, generation: 2,
            Batch(2, checkpoint: 12, streamTime: T0.AddMinutes(12), Doc("due", """{"lost":true}""", 4)));

        var report = await GenerationDiff.Compute(store, Name, new DiffQuery(null, null, 0, 50), Ct);

        (report.Changed, report.Unchanged, report.Pending).Should().Be((0, 0, 1),
            "the preview's document is newer than the checkpoint read before it, by a timeout the active generation has not reached yet");
        report.Documents.Should().BeEmpty();
    }

    [Fact]
    public async Task With_shards_each_document_is_compared_as_of_its_own_shards_common_checkpoint_and_stream_time()
    {
        // Shard 0 of both generations is at 40 (stream time 10 min); shard 1 of the preview lags at 12 (8 min) behind the active 30 (9 min).
        var (changed, ahead, same, timer) = (KeyIn(0, "changed"), KeyIn(1, "ahead"), KeyIn(1, "same"), KeyIn(1, "timer"));
        var store = new InMemoryProjectionStore();
        await store.EnsureProjection(Name, 2, [], Ct);
        await store.WriteBatch(Batch(1, 40, T0.AddMinutes(10), Doc(changed, """{"s":"a"}""", 25)) with { Shard = 0 }, Ct);
        await store.WriteBatch(Batch(1, 30, T0.AddMinutes(9), Doc(ahead, """{"n":2}""", 20), Doc(same, """{"n":1}""", 5),
            Doc(timer, """{"lost":false}""", 5, timeout: T0.AddMinutes(9.5))) with { Shard = 1 }, Ct);
        await store.BeginPreview(Name, 2, 2, [], Ct);
        await store.WriteBatch(Batch(2, 40, T0.AddMinutes(10), Doc(changed, """{"s":"b"}""", 25)) with { Shard = 0 }, Ct);
        await store.WriteBatch(Batch(2, 12, T0.AddMinutes(8), Doc(ahead, """{"n":1}""", 11), Doc(same, """{"n":1}""", 5),
            Doc(timer, """{"lost":false}""", 5, timeout: T0.AddMinutes(9.5))) with { Shard = 1 }, Ct);

        var report = await GenerationDiff.Compute(store, Name, new DiffQuery(null, null, 0, 50), Ct);

        report.Documents.Select(d => d.Key).Should().Equal([changed], "shard 0's document is compared as of shard 0's checkpoint 40, not the slowest shard's 12");
        (report.Changed, report.Unchanged, report.Pending).Should().Be((1, 2, 1),
            "shard 1's document moved past its shard's common checkpoint 12 is pending, and its timer (9.5 min) is not due by shard 1's stream time (9 min)");
        (report.ActiveCheckpoint, report.PreviewCheckpoint).Should().Be(("30", "12"), "the summary shows each generation's slowest shard");
    }

    /// <summary>The first of key-0, key-1, ... that routes to <paramref name="shard"/> of two.</summary>
    private static string KeyIn(int shard, string key) =>
        Enumerable.Range(0, 100).Select(i => $"{key}-{i}").First(k => Projections.Core.Pipeline.KeyHash.Shard(k, 2) == shard);

    /// <summary>A store whose generation writes one more batch just as the diff starts reading that generation's documents.</summary>
    public class FlushingWhileRead : DispatchProxy
    {
        private InMemoryProjectionStore _inner = null!;
        private int _generation;
        private ProjectionBatch? _batch;

        public static IProjectionStore Around(InMemoryProjectionStore inner, int generation, ProjectionBatch batch)
        {
            var proxy = Create<IProjectionStore, FlushingWhileRead>();
            var self = (FlushingWhileRead)(object)proxy;
            (self._inner, self._generation, self._batch) = (inner, generation, batch);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IProjectionStore.LoadAllDocuments) && (int)args![1]! == _generation && _batch is { } batch)
            {
                _batch = null;
                _inner.WriteBatch(batch, CancellationToken.None).GetAwaiter().GetResult();
            }
            try { return targetMethod.Invoke(_inner, args); }
            catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
        }
    }

    private static StoredDocument Doc(string key, string json, ulong position, DateTimeOffset? timeout = null) =>
        new(key, Encoding.UTF8.GetBytes(json), 1, GlobalPosition.Of(position), timeout, T0);

    private static ProjectionBatch Batch(int generation, ulong checkpoint, DateTimeOffset streamTime, params StoredDocument[] documents) =>
        new(Name, generation, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), streamTime));
}
