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

    private static StoredDocument Doc(string key, string json, ulong position, DateTimeOffset? timeout = null) =>
        new(key, Encoding.UTF8.GetBytes(json), 1, GlobalPosition.Of(position), timeout, T0);

    private static ProjectionBatch Batch(int generation, ulong checkpoint, DateTimeOffset streamTime, params StoredDocument[] documents) =>
        new(Name, generation, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), streamTime));
}
