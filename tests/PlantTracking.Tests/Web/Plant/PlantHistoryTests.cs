using System.Net;
using System.Text.Json;
using FluentAssertions;
using PlantTracking.Items;
using PlantTracking.Stations;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>
/// An aggregate's history and its state as of an event, over the real host. The class has its own host
/// because it moves stream time a day ahead to make timeouts fire, which would make other tests' items lost.
/// </summary>
public sealed class PlantHistoryTests(PlantHostFixture fixture) : IClassFixture<PlantHostFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private const string Stations = StationLoadProjection.ProjectionName;
    private readonly IPlantHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    // Near the wall clock: a live engine moves stream time with the clock, so an older story would see its timeouts fire between its events.
    // Each story starts after the previous one's day (stream time never goes back), whatever order the tests run in.
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;
    private static int _stories;
    private static DateTimeOffset NextStoryStart() => Start.AddDays(2 * Interlocked.Increment(ref _stories));

    private async Task<(HttpStatusCode Status, JsonElement Body)> Get(string path)
    {
        var response = await _host.Http.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    /// <summary>
    /// Item <paramref name="id"/> is seen at <paramref name="station"/>, then a later item moves stream time a
    /// day on: the item is lost, and the station's presence check fires.
    /// </summary>
    private async Task WriteStory(string id, string station, DateTimeOffset t0)
    {
        await _host.Plant.Register(id, t0);
        await _host.Plant.Detect(id, station, t0.AddMinutes(1));
        await _host.Plant.Register(id + "-later", t0.AddDays(1));
        await _host.Plant.Detect(id + "-later", station + "-next", t0.AddDays(1));
    }

    /// <summary>Waits until the history (folded up to the checkpoint) has caught up with the live aggregate, then returns both.</summary>
    private async Task<(JsonElement History, JsonElement Live)> HistoryMatchingLive(string projection, string key)
    {
        var result = await Eventually.Get(async () => (History: await Get($"/api/projections/{projection}/entities/{key}/history?take=500"),
                Live: await Get($"/api/projections/{projection}/entities/{key}")),
            r => r.History.Status == HttpStatusCode.OK && r.Live.Status == HttpStatusCode.OK
                 && r.History.Body.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("kind").GetString() == "timeout")
                 && JsonElement.DeepEquals(r.History.Body.GetProperty("items").EnumerateArray().Last().GetProperty("state"), r.Live.Body.GetProperty("state")),
            $"the history of {projection}/{key} to end, after a timeout, on the live state");
        return (result.History.Body, result.Live.Body);
    }

    [Fact]
    public async Task The_last_step_of_a_history_is_the_live_state_for_stream_and_payload_keyed_projections_timeouts_included()
    {
        await WriteStory("H1", "Hist-1", NextStoryStart());

        var (item, liveItem) = await HistoryMatchingLive(Items, "item-H1");
        var steps = item.GetProperty("items").EnumerateArray().ToArray();
        steps.Select(s => s.GetProperty("eventType").GetString()).Should().Equal("ItemRegistered", "ItemDetected", "$timeout");
        steps[^1].GetProperty("fields").GetProperty("status").GetString().Should().Be("Lost");
        steps[^1].GetProperty("version").GetInt64().Should().Be(liveItem.GetProperty("version").GetInt64());
        steps[1].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("path").GetString()).Should().Contain("currentStation");
        item.GetProperty("complete").GetBoolean().Should().BeTrue();
        item.GetProperty("scanned").GetInt64().Should().BeGreaterThanOrEqualTo(3);

        var (station, _) = await HistoryMatchingLive(Stations, "Hist-1");
        station.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("kind").GetString()).Should().Equal("event", "timeout");
    }

    [Fact]
    public async Task As_of_an_event_is_the_state_right_after_it()
    {
        var t0 = NextStoryStart();
        await WriteStory("H3", "Hist-3", t0);
        var (item, _) = await HistoryMatchingLive(Items, "item-H3");
        var steps = item.GetProperty("items").EnumerateArray().ToArray();

        foreach (var i in new[] { 0, 1 })
        {
            var (status, asOf) = await Get($"/api/projections/{Items}/entities/item-H3?asOf={steps[i].GetProperty("position").GetString()}");
            status.Should().Be(HttpStatusCode.OK);
            JsonElement.DeepEquals(asOf.GetProperty("state"), steps[i].GetProperty("state")).Should().BeTrue($"as of step {i} is the state after it");
            asOf.GetProperty("version").GetInt64().Should().Be(i + 1);
        }
        var (byTime, atTime) = await Get($"/api/projections/{Items}/entities/item-H3?asOf={Uri.EscapeDataString(t0.AddMinutes(2).ToString("O"))}");
        byTime.Should().Be(HttpStatusCode.OK);
        atTime.GetProperty("fields").GetProperty("currentStation").GetString().Should().Be("Hist-3");

        (await Get($"/api/projections/{Items}/entities/item-H3?asOf=yesterday")).Status.Should().Be(HttpStatusCode.BadRequest);
    }
}
