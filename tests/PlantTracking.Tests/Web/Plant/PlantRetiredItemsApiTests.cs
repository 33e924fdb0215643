using System.Net;
using System.Text.Json;
using FluentAssertions;
using PlantTracking.Items;
using Xunit;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>
/// Retired items through the API of the real host: memory lists live items only, the key search finds a
/// retired one in the store and the detail reads its stored document, marked retired. A host of its own,
/// because retiring moves stream time hours on, which would retire the completed items of other tests.
/// </summary>
public sealed class PlantRetiredItemsApiTests(PlantHostFixture fixture) : IClassFixture<PlantHostFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private readonly IPlantHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> Get(string path)
    {
        var response = await _host.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task A_retired_item_is_found_by_its_key_in_the_store_and_read_as_its_stored_document_marked_retired()
    {
        var match = await RetiredItems.CompleteAndRetire(_host, "R1", Ct);

        match.GetProperty("key").GetString().Should().Be("item-R1");
        match.GetProperty("fields").GetProperty("status").GetString().Should().Be("Completed");
        var page = await Get($"/api/projections/{Items}/entities?key=item-R1");
        page.GetProperty("total").GetInt64().Should().Be(0, "a retired item is not in memory");

        var detail = await Get($"/api/projections/{Items}/entities/item-R1");
        detail.GetProperty("source").GetString().Should().Be("store");
        detail.GetProperty("retired").GetBoolean().Should().BeTrue();
        detail.GetProperty("state").GetProperty("status").GetString().Should().Be("Completed");

        (await Get($"/api/projections/{Items}/entities?key=item-R1&status=Active")).GetProperty("storedMatch").ValueKind
            .Should().Be(JsonValueKind.Null, "the stored document must pass the filters too");
    }

    [Fact]
    public async Task A_live_item_searched_by_key_is_listed_and_not_reported_from_the_store()
    {
        await _host.Plant.Register("L1", DateTimeOffset.UtcNow);
        var detail = await Projections.Testing.Eventually.Get(async () => await _host.Http.GetAsync($"/api/projections/{Items}/entities/item-L1?source=store", Ct),
            r => r.StatusCode == HttpStatusCode.OK, "item-L1 persisted");
        JsonDocument.Parse(await detail.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("retired").GetBoolean().Should().BeFalse();

        var page = await Get($"/api/projections/{Items}/entities?key=item-L1");

        page.GetProperty("total").GetInt64().Should().Be(1);
        page.GetProperty("storedMatch").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
