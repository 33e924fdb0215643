using System.Net;
using System.Text.Json;
using FluentAssertions;
using Projections.Hosting.Tests.Web.Fakes;
using Projections.Testing;
using Xunit;

namespace Projections.Hosting.Tests.Web;

/// <summary>What the dashboard's charts and the entity list's choices read: /charts and /field-values.</summary>
public sealed class DashboardDataApiTests : IAsyncLifetime
{
    private const string Items = TestItemsProjection.ProjectionName;
    private WebTestServer _server = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await WebTestServer.Start();
    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> GetJson(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _server.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.Should().Be(expected, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task The_host_samples_every_second_and_a_page_asks_only_for_the_samples_after_its_last_one()
    {
        var first = await Eventually.Get(() => GetJson($"/api/projections/{Items}/charts"), c => c.GetProperty("samples").GetArrayLength() >= 2,
            "two samples", TimeSpan.FromSeconds(30));
        first.GetProperty("intervalSeconds").GetDouble().Should().Be(1);
        first.GetProperty("windowSeconds").GetDouble().Should().Be(900);
        var lastSeq = first.GetProperty("samples").EnumerateArray().Last().GetProperty("seq").GetInt64();

        var next = await Eventually.Get(() => GetJson($"/api/projections/{Items}/charts?after={lastSeq}"), c => c.GetProperty("samples").GetArrayLength() >= 1,
            "a newer sample", TimeSpan.FromSeconds(30));
        next.GetProperty("samples").EnumerateArray().Should().OnlyContain(s => s.GetProperty("seq").GetInt64() > lastSeq);
    }

    [Fact]
    public async Task Charts_refuse_an_unknown_projection_and_a_malformed_after()
    {
        (await GetJson("/api/projections/nope/charts", HttpStatusCode.NotFound)).GetProperty("detail").GetString().Should().Contain(Items);
        (await GetJson($"/api/projections/{Items}/charts?after=-1", HttpStatusCode.BadRequest)).GetProperty("detail").GetString().Should().Contain("after");
        (await GetJson($"/api/projections/{Items}/charts?since=1", HttpStatusCode.BadRequest)).GetProperty("detail").GetString().Should().Contain("since");
    }

    [Fact]
    public async Task Field_values_are_the_distinct_values_of_the_live_aggregates_per_declared_field()
    {
        _server.Items.Apply("item-1", "ItemDetected", s => (TestItem)s with { Status = "Active", CurrentStation = "S2" });
        _server.Items.Apply("item-2", "ItemDetected", s => (TestItem)s with { Status = "Lost", CurrentStation = "S1" });
        _server.Items.Apply("item-3", "ItemDetected", s => (TestItem)s with { Status = "Active", CurrentStation = null });

        var values = await GetJson($"/api/projections/{Items}/field-values");

        values.GetProperty("status").GetProperty("values").EnumerateArray().Select(v => v.GetString()).Should().Equal("Active", "Lost");
        values.GetProperty("status").GetProperty("complete").GetBoolean().Should().BeTrue();
        values.GetProperty("currentStation").GetProperty("values").EnumerateArray().Select(v => v.GetString()).Should().Equal("S1", "S2");
    }

    [Fact]
    public async Task A_field_with_more_values_than_a_select_can_offer_is_marked_incomplete()
    {
        for (var i = 0; i <= 100; i++)
            _server.Items.Apply($"item-{i}", "ItemDetected", s => (TestItem)s with { CurrentStation = $"S{i:D3}" });

        var station = (await GetJson($"/api/projections/{Items}/field-values")).GetProperty("currentStation");

        station.GetProperty("complete").GetBoolean().Should().BeFalse();
        station.GetProperty("values").GetArrayLength().Should().Be(100);
    }

    [Fact]
    public async Task The_entity_list_refuses_a_finished_filter_that_is_not_true_or_false()
    {
        (await GetJson($"/api/projections/{Items}/entities?finished=maybe", HttpStatusCode.BadRequest))
            .GetProperty("detail").GetString().Should().Contain("finished");
        (await GetJson($"/api/projections/{Items}/entities?finished=false")).GetProperty("total").GetInt64().Should().Be(0);
    }
}
