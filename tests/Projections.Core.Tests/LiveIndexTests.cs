using FluentAssertions;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Queries answered from the partitions' key indexes: a filtered page holds exactly the live aggregates whose
/// field has the value, in key order, after events, timeouts, eviction and retirement move them; cursor and
/// skip pages walk every match once.
/// </summary>
public sealed class LiveIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Filtered_pages_follow_aggregates_as_events_and_timeouts_move_them_between_field_values()
    {
        await using var h = await Harness.Started(null, new TrackerProjection());
        var station = new Dictionary<string, string>();
        var status = new Dictionary<string, string>();
        for (var i = 0; i < 60; i++)
        {
            var key = $"item-{i:D2}";
            h.Append(key, new ItemSeen($"s{i % 4}", Harness.T0));
            (station[key], status[key]) = ($"s{i % 4}", "Active");
        }
        for (var i = 0; i < 60; i += 3)
        {
            var key = $"item-{i:D2}";
            h.Append(key, new ItemSeen("s9", Harness.T0.AddMinutes(1)));
            station[key] = "s9";
        }
        for (var i = 0; i < 60; i += 5)
        {
            h.Append($"item-{i:D2}", new ItemDone());
            status[$"item-{i:D2}"] = "Done";
        }
        // Twelve minutes of stream time: every aggregate still Active was last seen more than ten minutes ago.
        h.Append("item-00", new ItemSeen("s9", Harness.T0.AddMinutes(12)));
        foreach (var key in status.Keys.Where(k => status[k] == "Active" && k != "item-00").ToList()) status[key] = "Lost";
        status["item-00"] = "Active";
        await h.WaitForHead("tracker");
        var tracker = h.Runtime("tracker");

        foreach (var value in new[] { "s0", "s1", "s9", "S9" })
        {
            var expected = Matching(station, value);
            WalkByCursor(tracker, new EntityQuery { FieldEquals = Filter("station", value), Take = 7 }, out var total)
                .Should().Equal(expected, $"station={value} after the moves");
            total.Should().Be(expected.Count);
        }
        WalkBySkip(tracker, new EntityQuery { FieldEquals = Filter("status", "lost"), Take = 6 }).Should().Equal(Matching(status, "Lost"));
        tracker.Query(new EntityQuery { FieldEquals = Filter("status", "Done") }).Items.Select(e => e.Key).Should().Equal(Matching(status, "Done"));
        tracker.Query(new EntityQuery { FieldEquals = Filter("station", "s2") }).Items
            .Should().OnlyContain(e => ((Item)e.State).Station == "s2");

        var both = new EntityQuery { FieldEquals = new Dictionary<string, string> { ["station"] = "s9", ["status"] = "done" }, Take = 4 };
        both.Scans.Should().BeTrue();
        WalkByCursor(tracker, both, out var bothTotal).Should().Equal(station.Keys.Where(k => station[k] == "s9" && status[k] == "Done").Order(StringComparer.Ordinal));
        bothTotal.Should().Be(station.Keys.Count(k => station[k] == "s9" && status[k] == "Done"));

        WalkByCursor(tracker, new EntityQuery { Take = 9 }, out var all).Should().Equal(station.Keys.Order(StringComparer.Ordinal));
        all.Should().Be(60);
    }

    [Fact]
    public async Task Evicted_and_retired_aggregates_leave_the_filtered_pages_and_come_back_under_their_new_value()
    {
        var options = Harness.DefaultOptions with { Partitions = 1, MaxLiveAggregates = 4 };
        await using var h = await Harness.Started(options, new TrackerProjection(retireDoneAfter: TimeSpan.FromMinutes(1)));
        var tracker = h.Runtime("tracker");
        for (var i = 0; i < 10; i++)
        {
            h.Append($"item-{i}", new ItemSeen("s1", Harness.T0));
            await h.WaitForHead("tracker"); // each flush makes earlier aggregates clean and persisted, so they can be evicted
        }
        tracker.GetLive("item-0").Should().BeNull("item-0 was the least recently used");
        var live = Enumerable.Range(0, 10).Select(i => $"item-{i}").Where(k => tracker.GetLive(k) is not null).ToList();
        live.Count.Should().BeLessThan(10);
        var s1 = tracker.Query(new EntityQuery { FieldEquals = Filter("station", "s1"), Take = 50 });
        s1.Items.Select(e => e.Key).Should().Equal(live);
        s1.Total.Should().Be(live.Count, "evicted aggregates leave the index");

        h.Append("item-0", new ItemSeen("s2", Harness.T0.AddSeconds(1)));
        await h.WaitForHead("tracker");
        tracker.Query(new EntityQuery { FieldEquals = Filter("station", "s2") }).Items.Select(e => e.Key).Should().Equal("item-0");
        tracker.Query(new EntityQuery { FieldEquals = Filter("station", "s1") }).Items.Select(e => e.Key).Should().NotContain("item-0");

        h.Append("item-0", new ItemDone());
        await h.WaitForHead("tracker");
        tracker.Query(new EntityQuery { FieldEquals = Filter("status", "Done") }).Total.Should().Be(1);
        h.Append("item-9", new ItemSeen("s1", Harness.T0.AddMinutes(2))); // stream time passes item-0's minute
        await h.WaitForHead("tracker");
        await Eventually.Until(() => tracker.GetLive("item-0") is null, "item-0 retires", Ct);
        var done = tracker.Query(new EntityQuery { FieldEquals = Filter("status", "Done") });
        done.Items.Should().BeEmpty();
        done.Total.Should().Be(0, "a retired aggregate leaves the index");

        h.Append("item-0", new ItemSeen("s3", Harness.T0.AddMinutes(3)));
        await h.WaitForHead("tracker");
        tracker.Query(new EntityQuery { FieldEquals = Filter("station", "s3") }).Items.Select(e => e.Key).Should().Equal("item-0");
        tracker.Query(new EntityQuery { FieldEquals = Filter("status", "active"), Take = 50 }).Items.Select(e => e.Key).Should().Contain("item-0");
    }

    private static Dictionary<string, string> Filter(string field, string value) => new() { [field] = value };

    private static List<string> Matching(Dictionary<string, string> values, string value) =>
        values.Keys.Where(k => string.Equals(values[k], value, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();

    private static List<string> WalkByCursor(IProjectionRuntime runtime, EntityQuery first, out long total)
    {
        var keys = new List<string>();
        var query = first;
        total = -1;
        while (true)
        {
            var page = runtime.Query(query);
            total = page.Total;
            keys.AddRange(page.Items.Select(e => e.Key));
            if (page.Items.Count < query.Take) return keys;
            query = query with { After = page.Items[^1].Key };
        }
    }

    private static List<string> WalkBySkip(IProjectionRuntime runtime, EntityQuery first)
    {
        var keys = new List<string>();
        for (var query = first; ; query = query with { Skip = query.Skip + query.Take })
        {
            var page = runtime.Query(query);
            keys.AddRange(page.Items.Select(e => e.Key));
            if (page.Items.Count < query.Take) return keys;
        }
    }
}
