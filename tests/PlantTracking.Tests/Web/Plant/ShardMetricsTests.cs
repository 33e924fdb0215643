using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Stations;
using PlantTracking.Tests.Support;
using Projections.Core.Pipeline;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>
/// <c>/metrics</c> of a host running both plant projections with <c>--shards 2</c> (README "Metrics"): every shard's series
/// carries its own <c>shard</c> label and its own figures, and summing a counter over the shards gives the projection's count,
/// also for station-load's detections, which apply to two stations that may be in different shards.
/// </summary>
public sealed class ShardMetricsTests : IAsyncLifetime
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private const string Stations = StationLoadProjection.ProjectionName;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private AppProcessPlantHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await AppProcessPlantHost.Start(null, "--shards", "2");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Each_shard_has_its_own_series_and_the_shards_sum_to_the_projection()
    {
        // 30 items, each registered and detected once: the detection moves it from one station to another, so station-load
        // applies it to both; with the stations below, every move crosses from one shard to the other.
        string[] stations = ["Weld-1", "Weld-2", "Paint-1", "Paint-2"];
        var items = Enumerable.Range(1, 30).Select(i => $"M{i:00}").ToList();
        var detections = new List<(string Station, string Previous)>();
        foreach (var (item, i) in items.Select((item, i) => (item, i)))
        {
            var (station, previous) = (stations[i % 4], stations[(i + 1) % 4]);
            await _host.Plant.Register(item, Now);
            await _host.Plant.Detect(item, station, Now.AddSeconds(1), previousStation: previous);
            detections.Add((station, previous));
        }
        detections.Should().Contain(d => KeyHash.Shard(d.Station, 2) != KeyHash.Shard(d.Previous, 2), "some detections must fan out over both shards");
        var head = (long)(await _host.Events.ReadHeadPosition(Ct)).Commit;

        // Every shard's checkpoint reaches the head (events of the other shard move it too), so the figures are final.
        var text = await Eventually.Value(async () =>
        {
            var metrics = await _host.Http.GetStringAsync("/metrics", Ct);
            var checkpoints = PrometheusSamples.Of(metrics, "projections_checkpoint_position").Where(s => s["generation"] == "1").ToList();
            return checkpoints.Count == 4 && checkpoints.All(s => (long)s.Value == head) ? metrics : null;
        }, Deadline, () => $"every shard's checkpoint did not reach {head}:\n{_host.Output}");

        var itemsPerShard = Enumerable.Range(0, 2).Select(s => items.Count(i => KeyHash.Shard(PlantStreams.ForItem(i), 2) == s)).ToArray();
        itemsPerShard.Should().OnlyContain(n => n > 0, "both shards hold items");
        // plant-items: each item's two events are its stream's, in its shard.
        Series(text, "projections_events_processed_total", Items).Should().Equal(2.0 * itemsPerShard[0], 2.0 * itemsPerShard[1]);
        Series(text, "projections_aggregates_live", Items).Should().Equal(itemsPerShard[0], itemsPerShard[1]);
        // station-load: a detection counts once, in the shard of the station it arrived at, though both shards may apply it.
        var detectionsPerShard = Enumerable.Range(0, 2).Select(s => (double)detections.Count(d => KeyHash.Shard(d.Station, 2) == s)).ToArray();
        Series(text, "projections_events_processed_total", Stations).Should().Equal(detectionsPerShard);
        Series(text, "projections_events_processed_total", Stations).Sum().Should().Be(items.Count);
        Series(text, "projections_aggregates_live", Stations).Should().Equal(
            Enumerable.Range(0, 2).Select(s => (double)stations.Count(st => KeyHash.Shard(st, 2) == s)));

        // Each shard's lease was taken once, under its own label; the generation's dead letters are one series, not one per shard.
        var acquired = PrometheusSamples.Of(text, "projections_lease_owner_changes_total").Where(s => s["projection"] == Items && s["change"] == "acquired").ToList();
        acquired.Select(s => s["shard"]).Should().BeEquivalentTo(["0", "1"]);
        acquired.Should().OnlyContain(s => s.Value >= 1);
        PrometheusSamples.Of(text, "projections_events_parked").Where(s => s["projection"] == Items).Should().ContainSingle()
            .Which.Labels.Should().NotContainKey("shard");
    }

    /// <summary>The values of a projection's series of <paramref name="metric"/>, shard 0 first; fails unless there is exactly one per shard.</summary>
    private static double[] Series(string text, string metric, string projection)
    {
        var samples = PrometheusSamples.Of(text, metric).Where(s => s["projection"] == projection && s["generation"] == "1").ToList();
        samples.Select(s => s["shard"]).Should().BeEquivalentTo(["0", "1"], $"{metric} of {projection} has one series per shard");
        return samples.OrderBy(s => s["shard"], StringComparer.Ordinal).Select(s => s.Value).ToArray();
    }
}
