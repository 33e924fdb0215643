using FluentAssertions;
using Projections.Core.Events;
using Xunit;

namespace Projections.Testing.EventSources;

public abstract partial class EventSourceContract
{
    [Fact]
    public async Task Appended_events_read_back_in_order_with_every_field()
    {
        var events = TestEvents.Numbered(TypePrefix + "Registered", 0, 3);
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);

        var result = await Store.Append(Prefix + "item-1", ExpectedRevision.NoStream, events, Ct);
        var read = await Store.ReadStreamForward(Prefix + "item-1", Ct).ToListAsync(Ct);

        result.NextExpectedRevision.Should().Be(2);
        read.Select(e => e.StreamRevision).Should().Equal(0UL, 1UL, 2UL);
        read.Select(e => e.EventId).Should().Equal(events.Select(e => e.EventId));
        read.Should().OnlyContain(e => e.StreamId == Prefix + "item-1" && e.EventType == TypePrefix + "Registered");
        read.Select(e => e.Data.ToArray()).Should().BeEquivalentTo(events.Select(e => e.Data.ToArray()), o => o.WithStrictOrdering());
        read.Select(e => e.Metadata.ToArray()).Should().BeEquivalentTo(events.Select(e => e.Metadata.ToArray()), o => o.WithStrictOrdering());
        read.Select(e => e.Position).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        read[^1].Position.Should().Be(result.Position);
        read.Should().OnlyContain(e => e.Created > before && e.Created < DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Reading_an_unknown_stream_yields_nothing()
    {
        var read = await Store.ReadStreamForward(Prefix + "never-written", Ct).ToListAsync(Ct);

        read.Should().BeEmpty();
    }

    [Fact]
    public async Task NoStream_succeeds_on_a_new_stream_and_reports_the_actual_revision_on_an_existing_one()
    {
        await Store.Append(Prefix + "a", ExpectedRevision.NoStream, TestEvents.Numbered(TypePrefix + "E", 0, 2), Ct);

        var again = () => Store.Append(Prefix + "a", ExpectedRevision.NoStream, [TestEvents.Numbered(TypePrefix + "E", 2)], Ct);

        var conflict = (await again.Should().ThrowAsync<WrongExpectedVersionException>()).Which;
        conflict.StreamId.Should().Be(Prefix + "a");
        conflict.ActualRevision.Should().Be(1UL);
    }

    [Fact]
    public async Task Exact_revision_must_name_the_last_event_of_the_stream()
    {
        await Store.Append(Prefix + "a", ExpectedRevision.NoStream, TestEvents.Numbered(TypePrefix + "E", 0, 3), Ct);

        var stale = () => Store.Append(Prefix + "a", ExpectedRevision.Exact(1), [TestEvents.Numbered(TypePrefix + "E", 3)], Ct);
        (await stale.Should().ThrowAsync<WrongExpectedVersionException>()).Which.ActualRevision.Should().Be(2UL);

        var next = await Store.Append(Prefix + "a", ExpectedRevision.Exact(2), [TestEvents.Numbered(TypePrefix + "E", 3)], Ct);
        next.NextExpectedRevision.Should().Be(3);
    }

    [Fact]
    public async Task StreamExists_and_Exact_fail_on_a_missing_stream_reporting_no_stream()
    {
        var exists = () => Store.Append(Prefix + "missing", ExpectedRevision.StreamExists, [TestEvents.Numbered(TypePrefix + "E", 0)], Ct);
        var exact = () => Store.Append(Prefix + "missing", ExpectedRevision.Exact(0), [TestEvents.Numbered(TypePrefix + "E", 0)], Ct);

        (await exists.Should().ThrowAsync<WrongExpectedVersionException>()).Which.ActualRevision.Should().BeNull();
        (await exact.Should().ThrowAsync<WrongExpectedVersionException>()).Which.ActualRevision.Should().BeNull();
    }

    [Fact]
    public async Task StreamExists_and_Any_append_to_an_existing_stream()
    {
        await Store.Append(Prefix + "a", ExpectedRevision.Any, [TestEvents.Numbered(TypePrefix + "E", 0)], Ct);

        await Store.Append(Prefix + "a", ExpectedRevision.StreamExists, [TestEvents.Numbered(TypePrefix + "E", 1)], Ct);
        var last = await Store.Append(Prefix + "a", ExpectedRevision.Any, [TestEvents.Numbered(TypePrefix + "E", 2)], Ct);

        last.NextExpectedRevision.Should().Be(2);
        (await Store.ReadStreamForward(Prefix + "a", Ct).ToListAsync(Ct)).Select(TestEvents.NumberOf).Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task A_rejected_append_writes_nothing()
    {
        await Store.Append(Prefix + "a", ExpectedRevision.NoStream, [TestEvents.Numbered(TypePrefix + "E", 0)], Ct);

        var stale = () => Store.Append(Prefix + "a", ExpectedRevision.Exact(5), TestEvents.Numbered(TypePrefix + "E", 1, 3), Ct);
        await stale.Should().ThrowAsync<WrongExpectedVersionException>();

        (await Store.ReadStreamForward(Prefix + "a", Ct).ToListAsync(Ct)).Should().ContainSingle();
    }

    [Fact]
    public async Task AppendMany_appends_every_request_and_answers_in_request_order()
    {
        var requests = Enumerable.Range(0, 5)
            .Select(i => new AppendRequest(Prefix + $"s-{i}", ExpectedRevision.NoStream, TestEvents.Numbered(TypePrefix + "E", 0, i + 1)))
            .ToArray();

        var results = await Store.AppendMany(requests, Ct);

        results.Select(r => r.NextExpectedRevision).Should().Equal(0UL, 1UL, 2UL, 3UL, 4UL);
        results.Select(r => r.Position).Should().BeInAscendingOrder();
        for (var i = 0; i < requests.Length; i++)
        {
            var read = await Store.ReadStreamForward(requests[i].StreamId, Ct).ToListAsync(Ct);
            read.Select(e => e.EventId).Should().Equal(requests[i].Events.Select(e => e.EventId));
            read[^1].Position.Should().Be(results[i].Position);
        }
    }

    [Fact]
    public async Task Head_position_reaches_the_last_appended_event()
    {
        var before = await Store.ReadHeadPosition(Ct);

        var result = await AppendNumbered("a", 0, 3);
        var after = await Store.ReadHeadPosition(Ct);

        result.Position.Should().BeGreaterThan(before);
        after.Should().BeGreaterThanOrEqualTo(result.Position);
    }

    [Fact]
    public async Task ReadAllForward_reads_matching_events_after_a_position_up_to_the_head_and_ends()
    {
        var first = await AppendNumbered("a-1", 0, 3);
        await AppendNumbered("b-1", 0, 2);
        await AppendNumbered("a-2", 0, 2);

        var filter = OwnStreams("a-");
        var read = await Store.ReadAllForward(first.Position, filter, Ct).ToListAsync(Ct);

        var mine = read.Where(e => filter.Matches(e.StreamId, e.EventType)).ToArray();
        mine.Select(e => e.StreamId).Should().Equal(Prefix + "a-2", Prefix + "a-2");
        read.Select(e => e.Position).Should().BeInAscendingOrder().And.OnlyContain(p => p > first.Position);
    }
}
