using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Testing;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>
/// The store's one BatchAppend writer loop against a real server: many callers at once share one call,
/// each gets the answers to its own appends, and the loop survives the server restarting.
/// </summary>
[Collection(EventStoreDbCollection.Name)]
public sealed class BatchAppendWriterTests(EventStoreDbServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_callers_get_every_append_acknowledged_with_its_own_position_and_revision()
    {
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString());
        var prefix = UniquePrefix("writer-");
        var before = await store.ReadHeadPosition(Ct);
        // More appends than the writer keeps in flight, from callers that do not wait for each other.
        const int callers = 8, perCaller = 700;
        var requests = Enumerable.Range(0, callers).Select(c =>
                Enumerable.Range(0, perCaller).Select(i => new AppendRequest($"{prefix}{c}", ExpectedRevision.Any, [Event("A", c * perCaller + i)])).ToList())
            .ToArray();

        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => store.AppendMany(r, Ct), Ct)));

        var read = await store.ReadAllForward(before, new EventFilter { StreamPrefixes = [prefix] }, Ct).ToListAsync(Ct);
        var positionOf = read.ToDictionary(e => e.EventId, e => e.Position);
        read.Should().HaveCount(callers * perCaller);
        for (var c = 0; c < callers; c++)
        {
            results[c].Should().HaveCount(perCaller);
            results[c].Select(r => r.NextExpectedRevision).Should().Equal(Enumerable.Range(0, perCaller).Select(i => (ulong)i),
                "one caller's appends to one stream are written in the order given");
            for (var i = 0; i < perCaller; i++)
                results[c][i].Position.Should().Be(positionOf[requests[c][i].Events[0].EventId]);
        }
    }

    [Fact]
    public async Task A_malformed_request_fails_its_caller_with_a_clear_error_and_the_writer_goes_on()
    {
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString());
        var prefix = UniquePrefix("writer-");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        AppendRequest[] malformed =
        [
            new($"{prefix}ok", ExpectedRevision.Any, [Event("A", 0)]),
            new($"{prefix}no-type", ExpectedRevision.Any, [new EventData(Guid.NewGuid(), null!, Event("A", 1).Data)]),
        ];

        var failure = (await store.Invoking(s => s.AppendMany(malformed, deadline.Token)).Should().ThrowAsync<ArgumentException>()).Which;

        failure.Message.Should().Contain($"{prefix}no-type").And.Contain("no event type");
        var after = await store.Append($"{prefix}later", ExpectedRevision.NoStream, Events("A", 1), deadline.Token);
        after.NextExpectedRevision.Should().Be(0UL, "the writer still serves appends after a refused one");
    }

    [Fact]
    public async Task A_wrong_expected_revision_fails_the_caller_that_made_it_and_no_other()
    {
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString());
        var prefix = UniquePrefix("writer-");
        await store.Append($"{prefix}taken", ExpectedRevision.NoStream, Events("A", 2), Ct);
        var good = Enumerable.Range(0, 200).Select(i => new AppendRequest($"{prefix}good", ExpectedRevision.Exact((ulong)i - 1), [Event("A", i)])).ToList();
        good[0] = new AppendRequest($"{prefix}good", ExpectedRevision.NoStream, good[0].Events);
        var bad = Enumerable.Range(0, 200).Select(i => new AppendRequest($"{prefix}other-{i}", ExpectedRevision.NoStream, [Event("A", i)])).ToList();
        bad[100] = new AppendRequest($"{prefix}taken", ExpectedRevision.Exact(0), [Event("A", 100)]);

        var goodCall = Task.Run(() => store.AppendMany(good, Ct), Ct);
        var badCall = Task.Run(() => store.AppendMany(bad, Ct), Ct);

        var wev = (await badCall.Invoking(t => t).Should().ThrowAsync<WrongExpectedVersionException>()).Which;
        wev.StreamId.Should().Be($"{prefix}taken");
        wev.ActualRevision.Should().Be(1);
        (await goodCall).Select(r => r.NextExpectedRevision).Should().Equal(Enumerable.Range(0, 200).Select(i => (ulong)i));
        (await store.ReadStreamForward($"{prefix}other-99", Ct).CountAsync(Ct)).Should().Be(1, "the other appends of the failing caller are atomic on their own and were written");
        (await store.ReadStreamForward($"{prefix}taken", Ct).CountAsync(Ct)).Should().Be(2);
    }

    [Fact]
    public async Task Appends_in_flight_while_the_server_restarts_are_sent_again_on_a_new_call_exactly_once()
    {
        if (!server.CanRestart)
            MissingServer.SkipOrFail(TestServer.EventStoreDB, $"none that can be restarted: set {EventStoreDbServer.RestartVariable} to a command that restarts the server at {EventStoreDbServer.ConnectionVariable} with its data.");
        var reconnects = 0;
        await using var store = EventStoreDbEventStore.Connect(server.RequireConnectionString(), new EventStoreDbOptions
        {
            TransientRetryTimeout = TimeSpan.FromSeconds(90),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            OnReconnecting = (_, _) => Interlocked.Increment(ref reconnects),
        });
        var stream = UniquePrefix("writer-") + "1";
        await store.AppendMany([new AppendRequest(stream, ExpectedRevision.NoStream, [Event("A", 0)])], Ct);

        // Exact expectations make a repeated append a no-op on the server, so the writer may send them again.
        var appending = Task.Run(async () =>
        {
            var results = new List<AppendResult>();
            for (var i = 1; i <= 40; i++)
            {
                results.AddRange(await store.AppendMany([new AppendRequest(stream, ExpectedRevision.Exact((ulong)i - 1), [Event("A", i)])], Ct));
                await Task.Delay(50, Ct);
            }
            return results;
        }, Ct);
        await Task.Delay(300, Ct);
        await server.Restart(Ct);
        var results = await appending.WaitAsync(TimeSpan.FromSeconds(120), Ct);
        var after = await store.AppendMany([new AppendRequest(stream, ExpectedRevision.Any, [Event("A", 41)])], Ct);

        results.Select(r => r.NextExpectedRevision).Should().Equal(Enumerable.Range(1, 40).Select(i => (ulong)i));
        after[0].NextExpectedRevision.Should().Be(41);
        (await store.ReadStreamForward(stream, Ct).Select(N).ToListAsync(Ct)).Should().Equal(Enumerable.Range(0, 42));
        reconnects.Should().BeGreaterThan(0, "the restart must have hit appends in flight for this test to mean anything");
    }
}
