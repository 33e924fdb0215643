using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 7: a handler failure stops the projection with a full error, or parks the event; never a silent skip.</summary>
public sealed class PoisonEventTests
{
    [Fact]
    public async Task A_throwing_handler_stops_the_projection_with_an_error_naming_the_event()
    {
        await using var h = await Harness.Started(Harness.DefaultOptions with { Partitions = 1 }, new CounterProjection());
        h.Append("c-1", new Bumped(0));
        h.Append("c-1", new Bumped(1));
        await h.WaitForHead();
        var poison = h.Append("c-2", new Bumped(7, Fail: true));
        h.Append("c-1", new Bumped(2));

        await Eventually.Until(() => h.Runtime().Status == ProjectionStatus.Stopped, "the projection stops", TestContext.Current.CancellationToken);
        var error = h.Runtime().Error.Should().BeOfType<ProjectionFailedException>().Subject;
        error.Message.Should().Contain("'counter'").And.Contain("event 0 of stream 'c-2'").And.Contain($"global position {poison.Position}")
            .And.Contain("'Bumped'").And.Contain("InvalidOperationException").And.Contain("bump 7 is bad");
        error.InnerException.Should().BeOfType<InvalidOperationException>();
        error.Position.Should().Be(poison.Position);

        var checkpoint = await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel());
        checkpoint!.Position.Should().BeLessThan(poison.Position, "nothing at or after the poison event is checkpointed");
        h.Runtime().GetLive("c-1")!.Version.Should().Be(2, "nothing after the poison event is applied");
        await FluentActions.Awaiting(() => h.Runtime().WaitForCheckpoint(poison.Position, Harness.Cancel()))
            .Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task An_undeserializable_payload_stops_the_projection_naming_the_json_error()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        var bad = h.AppendRaw("c-1", "Bumped", "{\"seq\": \"not a number\"}");

        await Eventually.Until(() => h.Runtime().Status == ProjectionStatus.Stopped, "the projection stops", TestContext.Current.CancellationToken);
        h.Runtime().Error!.Message.Should().Contain("stream 'c-1'").And.Contain($"global position {bad.Position}").And.Contain("JsonException");
    }

    [Fact]
    public async Task The_park_policy_writes_a_dead_letter_with_the_checkpoint_that_passes_it_and_goes_on()
    {
        var h = Harness.Create(new CounterProjection(policy: PoisonEventPolicy.Park));
        var batches = new List<(GlobalPosition[] Letters, GlobalPosition Checkpoint)>();
        h.Store.AfterWrite = b => batches.Add((b.DeadLetters.Select(l => l.Position).ToArray(), b.Checkpoint.Position));
        await h.Start();
        await using var _ = h;
        h.Append("c-1", new Bumped(0));
        var poison = h.Append("c-1", new Bumped(1, Fail: true));
        h.Append("c-1", new Bumped(2));
        await h.WaitForHead();
        h.Append("c-1", new Bumped(3));
        await h.WaitForHead(); // a later flush, so a letter handed over one barrier late would still be written

        var letters = await h.Runtime().ReadDeadLetters(0, 10, Harness.Cancel());
        letters.Should().ContainSingle();
        letters[0].Position.Should().Be(poison.Position);
        letters[0].StreamId.Should().Be("c-1");
        letters[0].StreamRevision.Should().Be(1);
        letters[0].Reason.Should().Contain("c-1").And.Contain("bump 1 is bad");
        batches.Where(b => b.Letters.Length > 0).Should().ContainSingle().Which.Letters.Should().Equal(poison.Position);
        batches.First(b => b.Checkpoint >= poison.Position).Letters.Should().Equal([poison.Position],
            "the first checkpoint that passes the parked event is written together with its dead letter");
        h.Runtime().GetStats().ParkedEvents.Should().Be(1);
        ((Counter)h.Runtime().GetLive("c-1")!.State).Trail.Should().Be("0,2,3,");
        (await h.Verify(new CounterProjection(policy: PoisonEventPolicy.Park))).Mismatches.Should().BeEmpty();
    }

    /// <summary>
    /// A flush larger than MaxBatchSize is written in chunks, and only the last one moves the checkpoint. The
    /// dead letter belongs with that one: in an earlier chunk it would be stored while the checkpoint still
    /// says the event is unprocessed, and a crash before the last chunk would park it a second time on replay.
    /// </summary>
    [Fact]
    public async Task In_a_flush_written_in_several_chunks_the_dead_letter_travels_with_the_chunk_that_moves_the_checkpoint()
    {
        var h = Harness.Create(new CounterProjection(policy: PoisonEventPolicy.Park));
        var batches = new List<(int Documents, GlobalPosition[] Letters, GlobalPosition Checkpoint)>();
        h.Store.AfterWrite = b => batches.Add((b.Documents.Count, b.DeadLetters.Select(l => l.Position).ToArray(), b.Checkpoint.Position));
        for (var k = 0; k < 6; k++) h.Append($"c-{k}", new Bumped(0));
        var poison = h.Append("c-0", new Bumped(1, Fail: true));
        for (var k = 0; k < 6; k++) h.Append($"c-{k}", new Bumped(2));
        await h.Start(Harness.DefaultOptions with { MaxBatchSize = 2 });
        await using var _ = h;
        await h.WaitForHead();

        batches.Should().Contain(b => b.Documents == 2 && b.Checkpoint < poison.Position, "the flush is written in chunks that do not move the checkpoint");
        batches.Where(b => b.Letters.Length > 0).Should().ContainSingle("the letter is written once")
            .Which.Checkpoint.Should().BeGreaterThanOrEqualTo(poison.Position, "its chunk is the one that moves the checkpoint past the event");
        (await h.Runtime().ReadDeadLetters(0, 10, Harness.Cancel())).Select(l => l.Position).Should().Equal(poison.Position);
    }

    [Fact]
    public async Task Nothing_after_a_stopping_poison_event_is_written_even_what_the_reader_already_passed()
    {
        var h = Harness.Create(new CounterProjection());
        var written = new List<(GlobalPosition Checkpoint, GlobalPosition[] Documents)>();
        h.Store.AfterWrite = b => written.Add((b.Checkpoint.Position, b.Documents.Select(d => d.Position).ToArray()));
        await h.Start(Harness.DefaultOptions with { Partitions = 4 });
        for (var i = 0; i < 20; i++) h.Append($"c-{i % 5}", new Bumped(i));
        await h.WaitForHead();
        var poison = h.Append("c-2", new Bumped(99, Fail: true));
        for (var i = 0; i < 200; i++) h.Append($"other-{i}", new Bumped(i)); // filtered out: the source reports checkpoints past them
        for (var i = 0; i < 20; i++) h.Append($"c-{i % 5}", new Bumped(100 + i));

        await Eventually.Until(() => h.Runtime().Status == ProjectionStatus.Stopped, "the projection stops", TestContext.Current.CancellationToken);
        await h.DisposeAsync(); // stopping must not flush what followed the poison event either

        written.Should().NotBeEmpty();
        written.Should().OnlyContain(w => w.Checkpoint < poison.Position && w.Documents.All(d => d < poison.Position),
            "no checkpoint or document may reflect anything at or after the poison event");
        (await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel()))!.Position.Should().BeLessThan(poison.Position);
    }
}
