using FluentAssertions;
using Projections.Hosting.Charts;
using Projections.Hosting.Tests.Web.Fakes;
using Xunit;

namespace Projections.Hosting.Tests.Charts;

/// <summary>The dashboard charts' samples: rates from the counters' change, the 15-minute ring, and a rebuild's counters starting again.</summary>
public sealed class ProjectionChartsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeProjectionRuntime _items = new(new TestItemsProjection());
    private readonly ProjectionCharts _charts = new();

    private void SampleAt(int second, long events, long flushes, long documents, ulong lag = 0, int generation = 1)
    {
        _items.Stats = FakeProjectionRuntime.EmptyStats with
        {
            Generation = generation, EventsProcessed = events, Flushes = flushes, DocumentsFlushed = documents, LagPositions = lag,
            EventsPerSecond = 7, LastFlushDocuments = 3,
        };
        _charts.Sample([_items], T0.AddSeconds(second));
    }

    [Fact]
    public void Events_per_second_and_the_mean_flush_size_come_from_the_counters_change_over_the_interval()
    {
        SampleAt(0, events: 100, flushes: 2, documents: 40);
        SampleAt(1, events: 600, flushes: 4, documents: 140, lag: 25);
        SampleAt(3, events: 700, flushes: 4, documents: 140);

        var samples = _charts.After(TestItemsProjection.ProjectionName, 0);

        samples.Select(s => s.EventsPerSecond).Should().Equal(7, 500, 50);
        samples.Select(s => s.FlushSize).Should().Equal(3, 50, 0);
        samples.Select(s => s.LagEvents).Should().Equal(0UL, 25UL, 0UL);
        samples.Select(s => s.At).Should().Equal(T0, T0.AddSeconds(1), T0.AddSeconds(3));
    }

    [Fact]
    public void After_a_switch_to_a_new_generation_the_first_sample_takes_the_engines_rate_instead_of_a_negative_change()
    {
        SampleAt(0, events: 5000, flushes: 50, documents: 900);
        SampleAt(1, events: 40, flushes: 1, documents: 12, generation: 2);

        var last = _charts.After(TestItemsProjection.ProjectionName, 0)[^1];

        last.EventsPerSecond.Should().Be(7);
        last.FlushSize.Should().Be(3);
    }

    [Fact]
    public void The_ring_keeps_the_last_fifteen_minutes_and_a_page_gets_only_the_samples_after_its_last_one()
    {
        var count = (int)(ProjectionCharts.Window / ProjectionCharts.Interval);
        for (var i = 0; i < count + 10; i++) SampleAt(i, events: i * 10L, flushes: i, documents: i);

        var all = _charts.After(TestItemsProjection.ProjectionName, 0);
        all.Should().HaveCount(count);
        all[0].At.Should().Be(T0.AddSeconds(10), "the ten oldest were overwritten");
        all.Select(s => s.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        all[^1].At.Should().Be(T0.AddSeconds(count + 9));

        _charts.After(TestItemsProjection.ProjectionName, all[^3].Seq).Should().Equal(all[^2], all[^1]);
        _charts.After("no-such-projection", 0).Should().BeEmpty();
    }
}
