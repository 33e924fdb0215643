using Microsoft.Playwright;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Stations;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>The dashboard's live charts and Hosts table in Debian's chromium, against a real plant host (one shard per projection).</summary>
public sealed class DashboardPageTests(BrowserFixture browser) : PlantPageTest(browser), IClassFixture<BrowserFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private static readonly PageWaitForFunctionOptions Deadline = new() { Timeout = 30_000, PollingInterval = 200 };

    private ILocator Chart(string projection, string key) => Card(projection).Locator($"[data-chart='{key}']");

    [Fact]
    public async Task The_charts_appear_empty_then_draw_the_events_as_they_arrive()
    {
        await Open("#/");
        foreach (var key in new[] { "eventsPerSecond", "lagEvents", "flushSize" })
            await Expect(Chart(Items, key).Locator("svg")).ToBeVisibleAsync();
        // No event yet: the host still samples once a second, so the line grows flat at zero.
        await Page.WaitForFunctionAsync($"() => Number(document.querySelector(\"[data-projection='{Items}'] [data-chart='eventsPerSecond']\").dataset.samples) >= 2",
            null, Deadline);
        await Expect(Chart(Items, "eventsPerSecond")).ToHaveAttributeAsync("data-max", "0");
        var before = int.Parse((await Chart(Items, "eventsPerSecond").GetAttributeAsync("data-samples"))!, System.Globalization.CultureInfo.InvariantCulture);

        await new PlantSimulator(Host.Events, new PlantSimulatorOptions { TotalEvents = 3000, EventsPerSecond = 600, Seed = 5, Items = 150 })
            .RunAsync(cancellationToken: TestContext.Current.CancellationToken);

        foreach (var projection in new[] { Items, StationLoadProjection.ProjectionName })
        {
            await Expect(Chart(projection, "eventsPerSecond")).Not.ToHaveAttributeAsync("data-max", "0");
            await Expect(Chart(projection, "flushSize")).Not.ToHaveAttributeAsync("data-max", "0");
        }
        await Expect(Chart(Items, "eventsPerSecond").Locator("polyline")).ToHaveCountAsync(1);
        await Page.WaitForFunctionAsync(
            $"() => Number(document.querySelector(\"[data-projection='{Items}'] [data-chart='eventsPerSecond']\").dataset.samples) > {before + 3}", null, Deadline);
        await BrowserFixture.SaveScreenshot(Page, "dashboard-charts.png");
    }

    [Fact]
    public async Task The_hosts_table_lists_this_host_as_writing_with_its_address()
    {
        await Open("#/");

        var row = Page.Locator("[data-role='hosts'] tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("(this host)");
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(Host.BaseAddress.ToString().TrimEnd('/'));
        await Expect(row.Locator("[data-role='host-role']")).ToHaveTextAsync("writing");
        await Expect(row.Locator("[data-role='host-writes']")).ToContainTextAsync($"{Items} (generation 1)");
        await Expect(row.Locator("[data-role='host-writes']")).ToContainTextAsync($"{StationLoadProjection.ProjectionName} (generation 1)");

        // One shard per projection: its card is the shard, and no Shards table repeats it (ShardsDashboardPageTests shows two).
        await Expect(Card(Items).Locator("[data-role='status']")).ToHaveTextAsync("live");
        await Expect(Page.Locator("[data-role='shards'] table")).ToHaveCountAsync(0);
        await Expect(Card(Items).Locator("[data-role='card-shards']")).ToBeEmptyAsync();
    }
}
