using FluentAssertions;
using Google.Protobuf.WellKnownTypes;
using Projections.Core.Events;
using Projections.EventStoreDb.Operations;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Rpc;
using Projections.EventStoreDb.Protocol.Streams;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;
using WireStatus = Projections.EventStoreDb.Protocol.Rpc.Status;

namespace Projections.EventStoreDb.Tests.Unit;

/// <summary>How the answers on one shared BatchAppend call reach the appends that wait for them (no server needed).</summary>
public sealed class PendingAppendsTests
{
    private static QueuedAppend Queued(string stream, ExpectedRevision? expected = null) =>
        new(new AppendRequest(stream, expected ?? ExpectedRevision.Any, [Event("A", 0)]), CancellationToken.None);

    private static BatchAppendResp Success(Guid id, ulong revision, ulong position) => new()
    {
        CorrelationId = Uuids.ToUuid(id),
        Success = new BatchAppendResp.Types.Success
        {
            CurrentRevision = revision,
            Position = new Protocol.Shared.AllStreamPosition { CommitPosition = position, PreparePosition = position },
        },
    };

    [Fact]
    public async Task Answers_arriving_out_of_order_settle_the_append_with_their_correlation_id()
    {
        var pending = new PendingAppends();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var appends = ids.Select((_, i) => Queued($"s-{i}")).ToArray();
        for (var i = 0; i < 3; i++) pending.TryAdd([(ids[i], appends[i])]).Should().BeTrue();

        pending.Answer(Success(ids[2], 7, 300)).Should().BeTrue();
        pending.Answer(Success(ids[0], 5, 100)).Should().BeTrue();
        pending.Answer(Success(ids[1], 6, 200)).Should().BeTrue();

        (await appends[0].Completion).Should().Be(new AppendResult(5, new GlobalPosition(100, 100)));
        (await appends[1].Completion).Should().Be(new AppendResult(6, new GlobalPosition(200, 200)));
        (await appends[2].Completion).Should().Be(new AppendResult(7, new GlobalPosition(300, 300)));
        pending.Count.Should().Be(0);
    }

    [Fact]
    public async Task An_error_answer_fails_only_its_own_append_naming_its_stream()
    {
        var pending = new PendingAppends();
        var (okId, badId) = (Guid.NewGuid(), Guid.NewGuid());
        var ok = Queued("s-ok");
        var bad = Queued("s-bad", ExpectedRevision.NoStream);
        pending.TryAdd([(okId, ok)]);
        pending.TryAdd([(badId, bad)]);

        pending.Answer(new BatchAppendResp
        {
            CorrelationId = Uuids.ToUuid(badId),
            Error = new WireStatus { Code = Code.AlreadyExists, Details = Any.Pack(new Protocol.Shared.WrongExpectedVersion { CurrentStreamRevision = 3 }) },
        });
        pending.Answer(Success(okId, 0, 10));

        var wev = (await bad.Invoking(a => a.Completion).Should().ThrowAsync<WrongExpectedVersionException>()).Which;
        wev.StreamId.Should().Be("s-bad");
        wev.ActualRevision.Should().Be(3);
        (await ok.Completion).NextExpectedRevision.Should().Be(0);
    }

    [Fact]
    public async Task A_correlation_id_echoed_as_a_string_still_matches()
    {
        var pending = new PendingAppends();
        var id = Guid.NewGuid();
        var append = Queued("s-1");
        pending.TryAdd([(id, append)]);

        pending.Answer(new BatchAppendResp { CorrelationId = new Protocol.Shared.UUID { String = id.ToString() }, Success = new BatchAppendResp.Types.Success { CurrentRevision = 0 } })
            .Should().BeTrue();

        (await append.Completion).NextExpectedRevision.Should().Be(0);
    }

    [Fact]
    public async Task An_answer_for_an_id_not_waiting_settles_nothing()
    {
        var pending = new PendingAppends();
        var append = Queued("s-1");
        var id = Guid.NewGuid();
        pending.TryAdd([(id, append)]);

        pending.Answer(Success(Guid.NewGuid(), 0, 1)).Should().BeFalse();
        pending.Answer(Success(id, 0, 1)).Should().BeTrue();
        pending.Answer(Success(id, 9, 9)).Should().BeFalse("each id is answered once");

        (await append.Completion).Position.Should().Be(new GlobalPosition(1, 1));
    }

    [Fact]
    public async Task When_the_call_ends_every_waiting_append_fails_and_no_new_one_is_taken()
    {
        var pending = new PendingAppends();
        var waiting = Enumerable.Range(0, 3).Select(i => Queued($"s-{i}")).ToArray();
        foreach (var append in waiting) pending.TryAdd([(Guid.NewGuid(), append)]);
        var failure = new EventStoreUnavailableException("call ended");

        pending.Close(failure).Should().Be(3);

        foreach (var append in waiting)
            (await append.Invoking(a => a.Completion).Should().ThrowAsync<EventStoreUnavailableException>()).Which.Should().BeSameAs(failure);
        pending.TryAdd([(Guid.NewGuid(), Queued("s-late"))]).Should().BeFalse("a later append must go on a new call");
        pending.IsClosed.Should().BeTrue();
    }

    [Fact]
    public void An_append_gives_its_in_flight_slot_back_exactly_once()
    {
        var released = 0;
        var append = Queued("s-1");
        append.WhenSettled(() => released++);

        append.Succeed(new AppendResult(0, new GlobalPosition(1, 1)));
        append.Fail(new InvalidOperationException("late"));
        append.Cancel();

        released.Should().Be(1);
        var alreadySettled = Queued("s-2");
        alreadySettled.Fail(new InvalidOperationException("before it was written"));
        alreadySettled.WhenSettled(() => released++);
        released.Should().Be(2);
    }
}
