using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Sqlite.Events;
using Projections.Testing;
using Projections.Testing.EventSources;
using Xunit;

namespace Projections.Sqlite.Tests;

public sealed class SqliteEventStoreTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TempDatabase _files = new();
    private readonly List<SqliteEventStore> _stores = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqliteEventStore Open(Func<SqliteStoreOptions, SqliteStoreOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new SqliteStoreOptions(_files.Path("events.db"));
        var store = new SqliteEventStore(configure?.Invoke(options) ?? options, clock);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task An_append_by_another_store_instance_on_the_same_file_is_found_by_polling()
    {
        var reader = Open(o => o with { PollInterval = TimeSpan.FromMilliseconds(50) });
        var writer = Open();
        await reader.Initialize(Ct);
        await using var probe = SubscriptionProbe.Start(reader, null, EventFilter.All, Ct);
        await probe.WaitForCaughtUp(Timeout);

        var appended = await writer.Append("item-1", ExpectedRevision.NoStream, [TestEvents.Numbered("ItemDetected", 1)], Ct);

        await probe.WaitForMatching(1, Timeout);
        probe.Matching.Should().ContainSingle().Which.Position.Should().Be(appended.Position);
    }

    [Fact]
    public async Task An_append_through_the_same_instance_wakes_a_live_subscription_without_waiting_for_the_poll()
    {
        var store = Open(o => o with { PollInterval = TimeSpan.FromHours(1) });
        await using var probe = SubscriptionProbe.Start(store, null, EventFilter.All, Ct);
        await probe.WaitForCaughtUp(Timeout);

        await store.Append("item-1", ExpectedRevision.NoStream, [TestEvents.Numbered("ItemDetected", 1)], Ct);

        await probe.WaitForMatching(1, Timeout);
    }

    [Fact]
    public async Task AppendMany_is_all_or_nothing()
    {
        var store = Open();
        await store.Append("taken", ExpectedRevision.NoStream, [TestEvents.Numbered("E", 0)], Ct);

        var batch = () => store.AppendMany(
        [
            new AppendRequest("fresh", ExpectedRevision.NoStream, [TestEvents.Numbered("E", 0)]),
            new AppendRequest("taken", ExpectedRevision.NoStream, [TestEvents.Numbered("E", 1)]),
        ], Ct);

        (await batch.Should().ThrowAsync<WrongExpectedVersionException>()).Which.StreamId.Should().Be("taken");
        (await store.ReadStreamForward("fresh", Ct).ToListAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_recorded_time_comes_from_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.Zero).AddTicks(4567));
        var store = Open(clock: clock);

        await store.Append("a", ExpectedRevision.Any, [TestEvents.Numbered("E", 0)], Ct);
        clock.Advance(TimeSpan.FromMinutes(3));
        await store.Append("a", ExpectedRevision.Any, [TestEvents.Numbered("E", 1)], Ct);

        (await store.ReadStreamForward("a", Ct).ToListAsync(Ct)).Select(e => e.Created).Should().Equal(
            new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.Zero).AddTicks(4567),
            new DateTimeOffset(2031, 5, 6, 7, 11, 9, 123, TimeSpan.Zero).AddTicks(4567));
    }

    [Fact]
    public async Task A_write_waits_while_another_connection_holds_the_write_lock()
    {
        var store = Open();
        await store.Initialize(Ct);
        using var blocker = LockForWriting();

        var append = Task.Run(() => store.Append("a", ExpectedRevision.Any, [TestEvents.Numbered("E", 0)], Ct), Ct);
        await Task.Delay(200, Ct);
        append.IsCompleted.Should().BeFalse("the other connection still holds the write lock");
        blocker.Dispose();

        (await append).NextExpectedRevision.Should().Be(0);
    }

    [Fact]
    public async Task A_write_locked_out_beyond_the_busy_timeout_fails_as_unavailable_naming_the_file()
    {
        var store = Open(o => o with { BusyTimeout = TimeSpan.FromMilliseconds(200) });
        await store.Initialize(Ct);

        using (LockForWriting())
        {
            var append = () => Task.Run(() => store.Append("a", ExpectedRevision.Any, [TestEvents.Numbered("E", 0)], Ct), Ct);
            (await append.Should().ThrowAsync<EventStoreUnavailableException>()).Which.Message.Should().Contain(_files.Path("events.db"));
        }

        (await store.Append("a", ExpectedRevision.Any, [TestEvents.Numbered("E", 0)], Ct)).NextExpectedRevision.Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_appenders_to_one_stream_get_consecutive_revisions()
    {
        var store = Open();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++) await store.Append("shared", ExpectedRevision.Any, [TestEvents.Numbered("E", worker * 100 + i)], Ct);
        }, Ct)));

        var read = await store.ReadStreamForward("shared", Ct).ToListAsync(Ct);
        read.Select(e => e.StreamRevision).Should().Equal(Enumerable.Range(0, 200).Select(i => (ulong)i));
        read.Select(TestEvents.NumberOf).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Subscriptions_and_reads_cross_page_boundaries_in_order()
    {
        var store = Open(o => o with { PageSize = 10 });
        await store.Append("a", ExpectedRevision.NoStream, TestEvents.Numbered("E", 0, 35), Ct);

        await using var probe = SubscriptionProbe.Start(store, null, EventFilter.All, Ct);
        await probe.WaitForCaughtUp(Timeout);

        probe.Matching.Select(TestEvents.NumberOf).Should().Equal(Enumerable.Range(0, 35));
        (await store.ReadStreamForward("a", Ct).ToListAsync(Ct)).Select(TestEvents.NumberOf).Should().Equal(Enumerable.Range(0, 35));
        (await store.ReadAllForward(null, EventFilter.All, Ct).ToListAsync(Ct)).Should().HaveCount(35);
    }

    [Fact]
    public async Task Stream_prefixes_match_exactly_and_case_sensitively()
    {
        var store = Open();
        foreach (var stream in new[] { "item-1", "ITEM-2", "itemx3", "a_b-1", "axb-1", "a%c-1", "abc-1" })
            await store.Append(stream, ExpectedRevision.Any, [TestEvents.Numbered("E", 0)], Ct);

        var filter = new EventFilter { StreamPrefixes = ["item-", "a_b", "a%"] };
        var read = await store.ReadAllForward(null, filter, Ct).ToListAsync(Ct);

        read.Select(e => e.StreamId).Should().Equal("item-1", "a_b-1", "a%c-1");
    }

    [Fact]
    public async Task System_events_are_excluded_unless_asked_for()
    {
        var store = Open();
        await store.Append("$stats", ExpectedRevision.Any, [TestEvents.Numbered("Stat", 0)], Ct);
        await store.Append("item-1", ExpectedRevision.Any, [TestEvents.Numbered("$metadata", 0)], Ct);
        await store.Append("item-1", ExpectedRevision.Any, [TestEvents.Numbered("ItemDetected", 1)], Ct);

        var user = await store.ReadAllForward(null, EventFilter.All, Ct).ToListAsync(Ct);
        var everything = await store.ReadAllForward(null, new EventFilter { ExcludeSystemEvents = false }, Ct).ToListAsync(Ct);

        user.Select(e => e.EventType).Should().Equal("ItemDetected");
        everything.Should().HaveCount(3);
    }

    [Theory]
    [InlineData("", "E", "empty stream id")]
    [InlineData("a", "", "empty event type")]
    public async Task Invalid_appends_are_refused_with_a_clear_error(string stream, string eventType, string because)
    {
        var store = Open();

        var append = () => store.Append(stream, ExpectedRevision.Any, [TestEvents.Numbered(eventType, 0)], Ct);

        (await append.Should().ThrowAsync<ArgumentException>(because)).Which.Message.Should().ContainAny("stream id", "event type");
    }

    [Fact]
    public async Task An_append_without_events_is_refused_naming_the_stream()
    {
        var store = Open();

        var append = () => store.Append("item-9", ExpectedRevision.Any, [], Ct);

        (await append.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("item-9");
    }

    [Fact]
    public async Task The_database_uses_write_ahead_logging()
    {
        var store = Open();
        await store.Initialize(Ct);

        using var connection = new SqliteConnection($"Data Source={_files.Path("events.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        command.ExecuteScalar().Should().Be("wal");
    }

    /// <summary>Holds SQLite's write lock on the events file from a separate connection until disposed.</summary>
    private IDisposable LockForWriting()
    {
        var connection = new SqliteConnection($"Data Source={_files.Path("events.db")};Pooling=False");
        connection.Open();
        var transaction = connection.BeginTransaction(deferred: false);
        return new Releaser(() =>
        {
            transaction.Rollback();
            connection.Dispose();
        });
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private Action? _release = release;
        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        _files.Dispose();
    }
}
