using System.Net;
using System.Text.Json;
using FluentAssertions;
using PlantTracking.Items;
using Xunit;
using Projections.Testing;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>
/// The API over the real engine, SQLite stores and plant projections, on loopback. The tests share one
/// host (starting one is the slow part), so each uses its own item ids.
/// </summary>
public sealed class PlantApiTests(PlantHostFixture fixture) : IClassFixture<PlantHostFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private readonly IPlantHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private async Task<(HttpStatusCode Status, JsonElement Body)> Get(string path)
    {
        var response = await _host.Http.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    private Task<JsonElement> EventuallyGet(string path, Func<JsonElement, bool> accept, string what) =>
        Eventually.Get(async () => await Get(path), r => r.Status == HttpStatusCode.OK && accept(r.Body), what).ContinueWith(t => t.Result.Body, Ct);

    [Theory]
    [InlineData("attacker.example", HttpStatusCode.BadRequest)]
    [InlineData("attacker.example:5080", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    public async Task Only_loopback_host_names_are_answered_so_a_rebound_name_cannot_read_the_api(string host, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/projections");
        request.Headers.Host = host;

        using var response = await _host.Http.SendAsync(request, Ct);

        response.StatusCode.Should().Be(expected);
    }

    [Fact]
    public async Task Lists_both_plant_projections_live_with_their_browsable_fields()
    {
        var list = await EventuallyGet("/api/projections", l => l.EnumerateArray().All(p => p.GetProperty("status").GetString() == "live"), "both projections live");

        list.EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Equal(Items, "station-load");
        list[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()).Should().Equal("status", "currentStation");
    }

    [Fact]
    public async Task A_detected_item_is_readable_live_and_then_persisted()
    {
        await _host.Plant.Register("A1", Now);
        await _host.Plant.Detect("A1", "Weld-2", Now.AddSeconds(5));

        var live = await EventuallyGet($"/api/projections/{Items}/entities/item-A1", e => e.GetProperty("version").GetInt64() == 2, "the item's live state");
        live.GetProperty("state").GetProperty("currentStation").GetString().Should().Be("Weld-2");
        live.GetProperty("fields").GetProperty("status").GetString().Should().Be("Active");
        live.GetProperty("recentEvents").EnumerateArray().Select(e => e.GetProperty("eventType").GetString()).Should().Equal("ItemDetected", "ItemRegistered");

        var stored = await EventuallyGet($"/api/projections/{Items}/entities/item-A1?source=store", e => e.GetProperty("version").GetInt64() == 2, "the persisted document");
        stored.GetProperty("state").GetProperty("currentStation").GetString().Should().Be("Weld-2");
    }

    [Fact]
    public async Task Entities_filter_by_status_and_station()
    {
        foreach (var id in new[] { "F1", "F2", "F3" })
        {
            await _host.Plant.Register(id, Now);
            await _host.Plant.Detect(id, id == "F3" ? "Paint-1" : "Weld-1", Now.AddSeconds(1));
        }
        await _host.Plant.Complete("F2", "Weld-1", Now.AddSeconds(2));

        var completed = await EventuallyGet($"/api/projections/{Items}/entities?status=Completed", p => p.GetProperty("total").GetInt64() == 1, "one completed item");
        completed.GetProperty("items")[0].GetProperty("key").GetString().Should().Be("item-F2");

        var atWeld = await EventuallyGet($"/api/projections/{Items}/entities?status=Active&currentStation=Weld-1", p => p.GetProperty("total").GetInt64() == 1, "one active item at Weld-1");
        atWeld.GetProperty("items")[0].GetProperty("key").GetString().Should().Be("item-F1");
    }

    [Fact]
    public async Task Bad_queries_and_unknown_names_get_clear_errors()
    {
        var (status, body) = await Get($"/api/projections/{Items}/entities?station=Weld-1");
        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("detail").GetString().Should().Contain("Unknown filter 'station'").And.Contain("currentStation");

        (status, body) = await Get($"/api/projections/{Items}/entities/item-nobody");
        status.Should().Be(HttpStatusCode.NotFound);
        body.GetProperty("detail").GetString().Should().Contain("'item-nobody'");

        (status, _) = await Get("/api/projections/nothing");
        status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ready_when_the_projections_run_and_metrics_show_the_engine()
    {
        await _host.Plant.Register("M1", Now);
        await EventuallyGet($"/api/projections/{Items}/entities/item-M1", _ => true, "the item");

        (await Get("/health/ready")).Status.Should().Be(HttpStatusCode.OK);
        var metrics = await _host.Http.GetStringAsync("/metrics", Ct);
        metrics.Should().Contain("projections_events_processed");
    }

    [Fact]
    public async Task Rebuild_is_refused_without_an_admin_token()
    {
        var response = await _host.Http.PostAsync($"/api/projections/{Items}/rebuild", null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Rebuild_with_the_admin_token_builds_a_new_generation_with_the_same_state()
    {
        await using var host = await PlantHosts.Start(adminToken: "rebuild-token-of-the-test");
        await host.Plant.Register("R1", Now);
        await host.Plant.Detect("R1", "Weld-3", Now.AddSeconds(1));
        await Eventually.Get(async () => await host.Http.GetAsync($"/api/projections/{Items}/entities/item-R1?source=store", Ct),
            r => r.StatusCode == HttpStatusCode.OK, "the item persisted");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projections/{Items}/rebuild");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rebuild-token-of-the-test");
        var response = await host.Http.SendAsync(request, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);

        await Eventually.Get(async () => JsonDocument.Parse(await host.Http.GetStringAsync($"/api/projections/{Items}", Ct)).RootElement,
            p => p.GetProperty("generation").GetInt32() == 2 && p.GetProperty("rebuild").ValueKind == JsonValueKind.Null, "generation 2 active");
        var stored = await Eventually.Get(async () => await host.Http.GetAsync($"/api/projections/{Items}/entities/item-R1?source=store", Ct),
            r => r.StatusCode == HttpStatusCode.OK, "the item in the new generation");
        var state = JsonDocument.Parse(await stored.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("state");
        state.GetProperty("currentStation").GetString().Should().Be("Weld-3");
    }
}
