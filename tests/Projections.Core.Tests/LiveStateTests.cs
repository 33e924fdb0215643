using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Reading live aggregates: by key, by query, recent events and change notifications.</summary>
public sealed class LiveStateTests
{
    [Fact]
    public async Task Query_filters_on_declared_fields_and_key_text_and_pages_in_key_order()
    {
        await using var h = await Harness.Started(null, new TrackerProjection());
        for (var i = 0; i < 30; i++) h.Append($"item-{i:D2}", new ItemSeen($"s{i % 3}", Harness.T0.AddSeconds(i)));
        h.Append("item-05", new ItemDone());
        await h.WaitForHead("tracker");
        var runtime = h.Runtime("tracker");

        var s1 = runtime.Query(new EntityQuery { FieldEquals = new Dictionary<string, string> { ["station"] = "s1" }, Skip = 2, Take = 3 });
        s1.Total.Should().Be(10);
        s1.Items.Select(e => e.Key).Should().Equal("item-07", "item-10", "item-13");

        var done = runtime.Query(new EntityQuery { FieldEquals = new Dictionary<string, string> { ["Status"] = "done" } });
        done.Items.Should().ContainSingle().Which.Key.Should().Be("item-05");

        var text = runtime.Query(new EntityQuery { KeyContains = "-2", Take = 100 });
        text.Total.Should().Be(10);
        text.Items.Select(e => e.Key).Should().BeInAscendingOrder(StringComparer.Ordinal);

        FluentActions.Invoking(() => runtime.Query(new EntityQuery { FieldEquals = new Dictionary<string, string> { ["colour"] = "red" } }))
            .Should().Throw<ArgumentException>().WithMessage("*'colour'*status, station*");
    }

    [Fact]
    public async Task Live_entities_carry_recent_events_and_live_versus_persisted_versions()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b.Documents.Count > 0 ? gate.Pass(ct) : Task.CompletedTask;
        await h.Start(Harness.DefaultOptions with { RecentEventsPerAggregate = 2 });
        await using var _ = h;
        h.Append("c-1", new Bumped(0));
        h.Append("c-1", new Bumped(1));
        var third = h.Append("c-1", new Bumped(2));

        await Eventually.Until(() => h.Runtime().GetLive("c-1")?.Version == 3, "three events applied", TestContext.Current.CancellationToken);
        var live = h.Runtime().GetLive("c-1")!;
        live.PersistedVersion.Should().Be(0, "nothing is written while the store is blocked");
        live.Position.Should().Be(third.Position);
        live.RecentEvents.Select(e => e.StreamRevision).Should().Equal(2UL, 1UL);
        live.RecentEvents[0].EventType.Should().Be("Bumped");

        gate.Open();
        await h.WaitForHead();
        h.Runtime().GetLive("c-1")!.PersistedVersion.Should().Be(3);
        h.Runtime().GetLive("c-unknown").Should().BeNull();
    }

    [Fact]
    public async Task Change_subscribers_hear_applied_and_persisted_changes_of_their_key()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        var forKey = new List<EntityChange>();
        var forAll = new List<EntityChange>();
        using var one = h.Runtime().SubscribeChanges("c-1", c => { lock (forKey) forKey.Add(c); });
        var all = h.Runtime().SubscribeChanges(null, c => { lock (forAll) forAll.Add(c); });
        h.Append("c-1", new Bumped(0));
        h.Append("c-2", new Bumped(0));
        await h.WaitForHead();
        await Eventually.Until(() => { lock (forKey) return forKey.Any(c => c.Kind == EntityChangeKind.Persisted); }, "the persisted notification", TestContext.Current.CancellationToken);

        lock (forKey)
        {
            forKey.Should().OnlyContain(c => c.Key == "c-1");
            forKey.Should().Contain(c => c.Kind == EntityChangeKind.Applied && c.Version == 1 && c.Position == GlobalPosition.Of(1));
            forKey.Should().Contain(c => c.Kind == EntityChangeKind.Persisted && c.PersistedVersion == 1);
        }
        lock (forAll) forAll.Select(c => c.Key).Should().Contain(["c-1", "c-2"]);

        all.Dispose();
        int before;
        lock (forAll) before = forAll.Count;
        h.Append("c-2", new Bumped(1));
        await h.WaitForHead();
        lock (forAll) forAll.Count.Should().Be(before, "a disposed subscription hears nothing more");
    }

    [Fact]
    public async Task Readers_on_other_threads_always_see_a_state_and_version_that_belong_together()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        using var stop = new CancellationTokenSource();
        var inconsistent = 0;
        var reads = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var e in h.Runtime().Query(new EntityQuery { Take = 20 }).Items.Append(h.Runtime().GetLive("c-0")).OfType<LiveEntity>())
                    if (((Counter)e.State).Count != e.Version) Interlocked.Increment(ref inconsistent);
                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        for (var seq = 0; seq < 200; seq++)
            for (var k = 0; k < 10; k++)
                h.Append($"c-{k}", new Bumped(seq));
        await h.WaitForHead();
        await Eventually.Until(() => Volatile.Read(ref reads) > 10, "readers ran", TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        inconsistent.Should().Be(0);
    }
}
