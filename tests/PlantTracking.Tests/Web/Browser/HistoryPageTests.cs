using PlantTracking.Items;
using PlantTracking.Tests.Web.Plant;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>The History card of the detail page in Debian's chromium: every step of an item, stepping back to the state as of an event.</summary>
public sealed class HistoryPageTests(BrowserFixture browser) : PlantPageTest(browser), IClassFixture<BrowserFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;

    [Fact]
    public async Task History_lists_every_step_and_steps_back_to_the_state_as_of_an_event()
    {
        var t0 = DateTimeOffset.UtcNow;
        await Host.Plant.Register("P1", t0);
        await Host.Plant.Detect("P1", "Paint-1", t0.AddMinutes(1));
        await Host.Plant.Register("P2", t0.AddDays(1)); // moves stream time on: P1 is lost
        // The history is folded up to the checkpoint: until the first flush lands it answers 404.
        await Eventually.Get(async () =>
            {
                using var response = await Host.Http.GetAsync($"/api/projections/{Items}/entities/item-P1/history", TestContext.Current.CancellationToken);
                return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) : "";
            },
            text => text.Contains("\"kind\":\"timeout\""), "the lost timeout in the folded history", TimeSpan.FromSeconds(30));

        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/#/p/{Items}/e/item-P1").ToString());
        await Page.Locator("[data-role='history-load']").ClickAsync();

        var steps = Page.Locator("[data-role='history-steps'] > li");
        await Expect(steps).ToHaveCountAsync(3);
        await Expect(steps.Nth(2)).ToContainTextAsync("timeout fired");
        var label = Page.Locator("[data-role='history-step-label']");
        await Expect(label).ToContainTextAsync("Step 3 of 3: timeout fired");
        await Expect(Page.Locator("[data-role='history-state']")).ToContainTextAsync("Lost");

        await Page.Locator("[data-role='history-prev']").ClickAsync();
        await Expect(label).ToContainTextAsync("Step 2 of 3: ItemDetected");
        await Expect(Page.Locator("[data-role='history-state']")).ToContainTextAsync("Active");
        await Expect(Page.Locator("[data-role='history-changes']")).ToContainTextAsync("currentStation");
        await Expect(Page.Locator("[data-role='history-changes']")).ToContainTextAsync("Paint-1");
        await BrowserFixture.SaveScreenshot(Page, "entity-history.png");

        await Page.Locator("[data-role='history-prev']").ClickAsync();
        await Expect(label).ToContainTextAsync("Step 1 of 3: ItemRegistered");
        await Expect(Page.Locator("[data-role='history-prev']")).ToBeDisabledAsync();
    }
}
