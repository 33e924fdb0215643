using PlantTracking.Items;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>The plant sample's Stations view (an application view added with AddView) in Debian's chromium.</summary>
public sealed class StationViewPageTests(BrowserFixture browser) : PlantPageTest(browser), IClassFixture<BrowserFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;

    [Fact]
    public async Task Bars_count_the_items_present_per_station_and_the_lost_item_is_highlighted_and_linked()
    {
        var t0 = DateTimeOffset.UtcNow;
        await Host.Plant.Register("L1", t0);
        await Host.Plant.Detect("L1", "Paint-1", t0.AddMinutes(1));
        // Seen 11 minutes of plant time later, these move stream time past L1's 10-minute deadline: L1 is lost at Paint-1.
        foreach (var (id, station) in new[] { ("A1", "Weld-1"), ("A2", "Weld-1"), ("A3", "Weld-1"), ("B1", "Paint-1"), ("C1", "Weld-1"), ("D1", "Assembly-1"), ("D2", "Assembly-1") })
        {
            await Host.Plant.Register(id, t0.AddMinutes(12));
            await Host.Plant.Detect(id, station, t0.AddMinutes(12));
        }
        await Host.Plant.Complete("C1", "Weld-1", t0.AddMinutes(13)); // completed: at no station any more
        await Eventually.Until(async () => (await Host.Http.GetStringAsync($"/api/projections/{Items}/entities/item-C1", TestContext.Current.CancellationToken))
            .Contains("\"Completed\""), TimeSpan.FromSeconds(30), "C1 completed in memory", TestContext.Current.CancellationToken);

        await Open("#/");
        await Page.Locator("#nav a", new() { HasText = "Stations" }).ClickAsync();

        var weld = Page.Locator("[data-role='view-chart'] g[data-bar='Weld-1']");
        var paint = Page.Locator("[data-role='view-chart'] g[data-bar='Paint-1']");
        await Expect(weld).ToHaveAttributeAsync("data-count", "3");
        await Expect(weld).ToHaveAttributeAsync("data-highlighted", "0");
        await Expect(paint).ToHaveAttributeAsync("data-count", "1");
        await Expect(paint).ToHaveAttributeAsync("data-highlighted", "1");
        await Expect(paint).ToContainTextAsync("1 + 1 lost");
        await Expect(Page.Locator("[data-role='view-chart'] g[data-bar]")).ToHaveCountAsync(3); // Assembly-1, Paint-1, Weld-1
        var lost = Page.Locator("[data-role='highlighted-key']");
        await Expect(lost).ToHaveCountAsync(1);
        await Expect(lost).ToHaveAttributeAsync("data-key", "item-L1");
        await BrowserFixture.SaveScreenshot(Page, "station-view.png");

        await lost.Locator("a").ClickAsync();
        await Expect(Page.Locator("[data-role='entity-key']")).ToHaveTextAsync("item-L1");
        await Expect(Page.Locator("[data-role='entity-status']")).ToHaveTextAsync("Lost");
    }
}
