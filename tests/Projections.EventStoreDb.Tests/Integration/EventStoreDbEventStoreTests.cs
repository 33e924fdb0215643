using System.Text;
using FluentAssertions;
using Projections.Testing;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Operations;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>EventStoreDB-specific behaviour against a real server (the shared contract suite covers the rest).</summary>
[Collection(EventStoreDbCollection.Name)]
public sealed class EventStoreDbEventStoreTests(EventStoreDbServer server) : IAsyncLifetime
{
    private EventStoreDbEventStore _store = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _store = EventStoreDbEventStore.Connect(server.RequireConnectionString());
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Detects_a_supported_server_version_and_batch_append()
    {
        var capabilities = await _store.GetServerCapabilities(Ct);

        capabilities.ServerVersion.Should().BeGreaterThanOrEqualTo(Connection.ServerCapabilities.MinimumServerVersion);
        capabilities.SupportsBatchAppend.Should().BeTrue();
    }

    [Fact]
    public async Task Discovery_through_gossip_finds_the_node_and_works()
    {
        var direct = new Uri(server.RequireConnectionString().Replace("esdb://", "http://", StringComparison.Ordinal));
        await using var discovered = EventStoreDbEventStore.Connect($"esdb+discover://{direct.Authority}{direct.Query}");
        var stream = UniquePrefix("item-") + "1";

        var result = await discovered.Append(stream, ExpectedRevision.NoStream, Events("ItemDetected", 1), Ct);

        result.NextExpectedRevision.Should().Be(0);
        discovered.Description.Should().Contain("cluster");
    }

    [Fact]
    public async Task Appended_events_read_back_with_ids_types_payloads_and_revisions()
    {
        var stream = UniquePrefix("item-") + "1";
        var events = Events("ItemDetected", 3);

        var result = await _store.Append(stream, ExpectedRevision.NoStream, events, Ct);
        var read = await _store.ReadStreamForward(stream, Ct).ToListAsync(Ct);

        result.NextExpectedRevision.Should().Be(2);
        read.Select(e => e.EventId).Should().Equal(events.Select(e => e.EventId));
        read.Select(e => e.StreamRevision).Should().Equal(0ul, 1ul, 2ul);
        read.Select(e => e.EventType).Should().AllBe("ItemDetected");
        read.Select(N).Should().Equal(0, 1, 2);
        read[0].Metadata.ToArray().Should().Equal(events[0].Metadata.ToArray());
        read[^1].Position.Should().Be(result.Position, "the append reports the last event's position");
        read[0].Created.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Paged_reads_neither_repeat_nor_skip_across_page_boundaries()
    {
        await using var smallPages = EventStoreDbEventStore.Connect(server.RequireConnectionString(), new EventStoreDbOptions { ReadPageSize = 7 });
        var prefix = UniquePrefix("item-");
        var before = await smallPages.ReadHeadPosition(Ct);
        await smallPages.Append($"{prefix}1", ExpectedRevision.NoStream, Events("ItemDetected", 30), Ct);
        await smallPages.Append($"{prefix}2", ExpectedRevision.NoStream, Events("ItemDetected", 12, 30), Ct);

        var stream = await smallPages.ReadStreamForward($"{prefix}1", Ct).ToListAsync(Ct);
        var all = await smallPages.ReadAllForward(before, new EventFilter { StreamPrefixes = [prefix] }, Ct).ToListAsync(Ct);

        stream.Select(e => e.StreamRevision).Should().Equal(Enumerable.Range(0, 30).Select(i => (ulong)i));
        all.Select(N).Should().Equal(Enumerable.Range(0, 42));
    }

    [Fact]
    public async Task Wrong_expected_revision_reports_the_actual_one()
    {
        var stream = UniquePrefix("item-") + "1";
        await _store.Append(stream, ExpectedRevision.NoStream, Events("A", 3), Ct);

        var exact = () => _store.Append(stream, ExpectedRevision.Exact(5), Events("A", 1), Ct);
        var noStream = () => _store.Append(stream, ExpectedRevision.NoStream, Events("A", 1), Ct);
        var exists = () => _store.Append(UniquePrefix("none-"), ExpectedRevision.StreamExists, Events("A", 1), Ct);

        (await exact.Should().ThrowAsync<WrongExpectedVersionException>()).Which.ActualRevision.Should().Be(2);
        (await noStream.Should().ThrowAsync<WrongExpectedVersionException>()).Which.StreamId.Should().Be(stream);
        (await exists.Should().ThrowAsync<WrongExpectedVersionException>()).Which.ActualRevision.Should().BeNull();
    }

    [Fact]
    public async Task Batch_append_answers_every_request_in_order()
    {
        var prefix = UniquePrefix("item-");
        var requests = Enumerable.Range(0, 300)
            .Select(i => new AppendRequest($"{prefix}{i % 30}", ExpectedRevision.Any, Events("ItemDetected", 2, i * 2)))
            .ToList();

        var results = await _store.AppendMany(requests, Ct);

        results.Should().HaveCount(300);
        results.Select(r => r.NextExpectedRevision).Should().Equal(Enumerable.Range(0, 300).Select(i => (ulong)(i / 30 * 2 + 1)));
        results.Select(r => r.Position).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        (await _store.ReadStreamForward($"{prefix}7", Ct).CountAsync(Ct)).Should().Be(20);
    }

    [Fact]
    public async Task Batch_append_reports_a_wrong_expected_revision()
    {
        var prefix = UniquePrefix("item-");
        await _store.Append($"{prefix}1", ExpectedRevision.NoStream, Events("A", 1), Ct);

        var append = () => _store.AppendMany([
            new AppendRequest($"{prefix}2", ExpectedRevision.NoStream, Events("A", 1)),
            new AppendRequest($"{prefix}1", ExpectedRevision.NoStream, Events("A", 1)),
        ], Ct);

        (await append.Should().ThrowAsync<WrongExpectedVersionException>()).Which.StreamId.Should().Be($"{prefix}1");
        (await _store.ReadStreamForward($"{prefix}2", Ct).CountAsync(Ct)).Should().Be(1, "each request is atomic on its own");
    }

    [Fact]
    public async Task Sparse_filter_still_yields_checkpoints_past_non_matching_events()
    {
        var head = await _store.ReadHeadPosition(Ct);
        await using var probe = new SubscriptionProbe(_store, head, new EventFilter { StreamPrefixes = [UniquePrefix("nothing-")] });
        await probe.WaitUntil(m => m.Any(x => x.Kind == SubscriptionMessageKind.CaughtUp), "caught up");

        var written = await _store.AppendMany(
            Enumerable.Range(0, 100).Select(i => new AppendRequest(UniquePrefix("other-"), ExpectedRevision.Any, Events("Noise", 1))).ToList(), Ct);

        var lastWritten = written[^1].Position;
        await probe.WaitUntil(m => m.Any(x => x.Kind == SubscriptionMessageKind.Checkpoint && x.Position > head), "a checkpoint past the noise");
        probe.Events.Should().BeEmpty();
        probe.Messages.Where(m => m.Kind == SubscriptionMessageKind.Checkpoint).Select(m => m.Position)
            .Should().BeInAscendingOrder().And.OnlyContain(p => p > head && p <= lastWritten);
    }

    [Fact]
    public async Task Subscription_survives_the_connection_being_cut_and_skips_nothing()
    {
        var target = new Uri(server.RequireConnectionString().Replace("esdb://", "http://", StringComparison.Ordinal));
        await using var proxy = new TcpOutageProxy(target.Host, target.Port);
        var reconnects = 0;
        await using var viaProxy = EventStoreDbEventStore.Connect($"esdb://127.0.0.1:{proxy.Port}?tls=false",
            new EventStoreDbOptions { ReconnectMaxDelay = TimeSpan.FromMilliseconds(300), OnReconnecting = (_, _) => Interlocked.Increment(ref reconnects) });
        var prefix = UniquePrefix("item-");
        var filter = new EventFilter { StreamPrefixes = [prefix] };
        await _store.AppendMany(Enumerable.Range(0, 50).Select(i => new AppendRequest($"{prefix}{i % 5}", ExpectedRevision.Any, [Event("ItemDetected", i)])).ToList(), Ct);

        await using var probe = new SubscriptionProbe(viaProxy, null, filter);
        await probe.WaitUntil(m => m.Count(x => x.Kind == SubscriptionMessageKind.Event) == 50, "the first 50 events");
        await proxy.GoAway();
        await _store.AppendMany(Enumerable.Range(50, 50).Select(i => new AppendRequest($"{prefix}{i % 5}", ExpectedRevision.Any, [Event("ItemDetected", i)])).ToList(), Ct);
        await Task.Delay(500, Ct); // let the client notice the outage and retry against a closed port
        proxy.ComeBack();

        await probe.WaitUntil(m => m.Count(x => x.Kind == SubscriptionMessageKind.Event) >= 100, "all 100 events after the outage");
        probe.Events.Select(N).Should().Equal(Enumerable.Range(0, 100));
        reconnects.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_subscription_on_a_channel_another_call_reset_moves_to_the_new_one_and_skips_nothing()
    {
        // The server restart test found it: a head read answered "not ready" on the new channel while both subscriptions
        // had already moved to it, so it was reset and disposed 30 s later under them, and both projections stopped.
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString(),
            new EventStoreDbOptions { RetiredChannelGrace = TimeSpan.FromMilliseconds(200) });
        var prefix = UniquePrefix("item-");
        var head = await store.ReadHeadPosition(Ct);
        await store.Append($"{prefix}1", ExpectedRevision.NoStream, Events("ItemDetected", 10), Ct);
        var received = new List<RecordedEvent>();
        await using var subscription = store.Subscribe(head, new EventFilter { StreamPrefixes = [prefix] }, Ct).GetAsyncEnumerator(Ct);
        await NextEvents(subscription, received, 2);

        // Mid catch-up, the subscription's channel is reset by another call and disposed: the calls on it are disposed too.
        store.Connection.Reset(await store.Connection.GetNode(Ct));
        await store.Connection.LastRetirement.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await store.Append($"{prefix}1", ExpectedRevision.Exact(9), Events("ItemDetected", 10, 10), Ct);

        await NextEvents(subscription, received, 20);
        received.Select(N).Should().Equal(Enumerable.Range(0, 20));
    }

    [Fact]
    public async Task A_live_subscription_the_server_drops_as_too_slow_catches_up_at_once_and_skips_nothing()
    {
        // EventStoreDB 23.10 queues 32 live events per subscription and ends it ("Consumer too slow") when the client
        // falls further behind. That is no outage: no Disconnected, no channel reset, no reconnect backoff.
        var reconnects = new List<Exception>();
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString(),
            new EventStoreDbOptions { OnReconnecting = (e, _) => { lock (reconnects) reconnects.Add(e); } });
        var prefix = UniquePrefix("item-");
        var head = await store.ReadHeadPosition(Ct);
        await using var subscription = store.Subscribe(head, new EventFilter { StreamPrefixes = [prefix] }, Ct).GetAsyncEnumerator(Ct);
        var messages = new List<SubscriptionMessage>();
        var received = new List<RecordedEvent>();
        await store.Append($"{prefix}0", ExpectedRevision.NoStream, Events("ItemDetected", 1), Ct);
        await NextEvents(subscription, received, 1, messages);
        var retirements = store.Connection.LastRetirement;

        // Live, and not reading: the HTTP/2 window and then the server's 32-event queue fill, and the server drops us.
        const int streams = 100, perStream = 10;
        var padded = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 32 * 1024) + "\"}");
        for (var s = 1; s <= streams; s++)
            await store.Append($"{prefix}{s}", ExpectedRevision.NoStream,
                Enumerable.Range(0, perStream).Select(_ => new EventData(Guid.NewGuid(), "ItemDetected", padded, default)).ToList(), Ct);
        await NextEvents(subscription, received, 1 + streams * perStream, messages);

        lock (reconnects) reconnects.Should().ContainSingle(e => e is ConsumerTooSlowException, $"the server dropped the stalled subscription once (seen: {string.Join("; ", reconnects.Select(e => e.GetType().Name + ": " + e.Message))}; messages: {string.Join(",", messages.Select(m => m.Kind).Distinct())})")
            .And.OnlyContain(e => e is ConsumerTooSlowException);
        messages.Should().Contain(m => m.Kind == SubscriptionMessageKind.FellBehind)
            .And.NotContain(m => m.Kind == SubscriptionMessageKind.Disconnected, "falling behind is not an outage");
        store.Connection.LastRetirement.Should().BeSameAs(retirements, "the channel was fine and is kept");
        received.Select(e => e.Position).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        received.Select(e => e.StreamId).Distinct().Should().HaveCount(streams + 1, "nothing is skipped across the drop");
    }

    [Fact]
    public async Task A_live_subscription_that_stops_delivering_while_a_matching_event_waits_resubscribes_and_skips_nothing()
    {
        // A stream the server stopped serving looks quiet: the idle check sees the matching event it has not delivered,
        // and after LiveStallTimeout the subscription drops the call and catches up from its last position.
        var reconnects = new List<Exception>();
        var prefix = UniquePrefix("item-");
        var stalled = 0;
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString(), new EventStoreDbOptions
        {
            LiveIdleCheckpointInterval = TimeSpan.FromMilliseconds(100),
            LiveStallTimeout = TimeSpan.FromSeconds(1),
            OnReconnecting = (e, _) => { lock (reconnects) reconnects.Add(e); },
            // The first delivery of the second stream's event is swallowed, and that call never delivers again.
            StallSubscriptionAt = r => r.Event?.Event?.StreamIdentifier?.StreamName.ToStringUtf8() == $"{prefix}stalled" && Interlocked.Exchange(ref stalled, 1) == 0,
        });
        var head = await store.ReadHeadPosition(Ct);
        await using var subscription = store.Subscribe(head, new EventFilter { StreamPrefixes = [prefix] }, Ct).GetAsyncEnumerator(Ct);
        var messages = new List<SubscriptionMessage>();
        var received = new List<RecordedEvent>();
        await store.Append($"{prefix}first", ExpectedRevision.NoStream, Events("ItemDetected", 1), Ct);
        await NextEvents(subscription, received, 1, messages);

        await store.Append($"{prefix}stalled", ExpectedRevision.NoStream, Events("ItemDetected", 1), Ct);
        await NextEvents(subscription, received, 2, messages);

        stalled.Should().Be(1, "the call stalled at the second event");
        lock (reconnects) reconnects.Should().ContainSingle().Which.Should().BeOfType<SubscriptionStalledException>()
            .Which.Message.Should().Contain("delivered nothing for 1 s");
        messages.Should().Contain(m => m.Kind == SubscriptionMessageKind.FellBehind).And.NotContain(m => m.Kind == SubscriptionMessageKind.Disconnected);
        received.Select(e => e.StreamId).Should().Equal($"{prefix}first", $"{prefix}stalled");
    }

    /// <summary>Reads the subscription until <paramref name="received"/> holds <paramref name="count"/> events, or fails after a deadline.</summary>
    private static async Task NextEvents(IAsyncEnumerator<SubscriptionMessage> subscription, List<RecordedEvent> received, int count, List<SubscriptionMessage>? messages = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (received.Count < count)
        {
            (await subscription.MoveNextAsync().AsTask().WaitAsync(deadline.Token)).Should().BeTrue("a subscription does not end");
            messages?.Add(subscription.Current);
            if (subscription.Current.Kind == SubscriptionMessageKind.Event) received.Add(subscription.Current.Event!);
        }
    }

    [Fact]
    public async Task Subscription_resumes_after_the_server_restarts()
    {
        if (!server.CanRestart)
            MissingServer.SkipOrFail(TestServer.EventStoreDB, $"none that can be restarted: set {EventStoreDbServer.RestartVariable} to a command that restarts it with its data kept (a disk database), or run with Docker.");

        var prefix = UniquePrefix("item-");
        var filter = new EventFilter { StreamPrefixes = [prefix] };
        await _store.Append($"{prefix}1", ExpectedRevision.NoStream, Events("ItemDetected", 20), Ct);
        await using var probe = new SubscriptionProbe(_store, null, filter);
        await probe.WaitUntil(m => m.Count(x => x.Kind == SubscriptionMessageKind.Event) == 20, "the first 20 events");

        await server.Restart(Ct);
        await AppendWhenBack($"{prefix}1", Events("ItemDetected", 20, 20));

        await probe.WaitUntil(m => m.Count(x => x.Kind == SubscriptionMessageKind.Event) >= 40, "all 40 events after the restart", TimeSpan.FromSeconds(60));
        probe.Events.Select(N).Should().Equal(Enumerable.Range(0, 40));
    }

    private async Task AppendWhenBack(string stream, IReadOnlyList<EventData> events)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await _store.Append(stream, ExpectedRevision.Exact(19), events, Ct);
                return;
            }
            catch (EventStoreException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, Ct);
            }
        }
    }
}
