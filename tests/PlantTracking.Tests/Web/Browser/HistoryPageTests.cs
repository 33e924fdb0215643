using PlantTracking.Items;
using PlantTracking.Tests.Web.Plant;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>The History card of the detail page in Debian's chromium: every step of an item, stepping back to the state as of an event.</summary>
public sealed class HistoryPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private IPlantHost _host = null!;
    private Microsoft.Playwright.IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await PlantHosts.Start();
        _page = await browser.NewPage();
    }

    public async ValueTask DisposeAsync()
    {
        if (_page is not null) await _page.Context.CloseAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task History_lists_every_step_and_steps_back_to_the_state_as_of_an_event()
    {
        var t0 = DateTimeOffset.UtcNow;
        await _host.Plant.Register("P1", t0);
        await _host.Plant.Detect("P1", "Paint-1", t0.AddMinutes(1));
        await _host.Plant.Register("P2", t0.AddDays(1)); // moves stream time on: P1 is lost
        // The history is folded up to the checkpoint: until the first flush lands it answers 404.
        await Eventually.Get(async () =>
            {
                using var response = await _host.Http.GetAsync($"/api/projections/{Items}/entities/item-P1/history", TestContext.Current.CancellationToken);
                return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) : "";
            },
            text => text.Contains("\"kind\":\"timeout\""), "the lost timeout in the folded history", TimeSpan.FromSeconds(30));

        await _page.GotoAsync(new Uri(_host.BaseAddress, $"/#/p/{Items}/e/item-P1").ToString());
        await _page.Locator("[data-role='history-load']").ClickAsync();

        var steps = _page.Locator("[data-role='history-steps'] > li");
        await Expect(steps).ToHaveCountAsync(3);
        await Expect(steps.Nth(2)).ToContainTextAsync("timeout fired");
        var label = _page.Locator("[data-role='history-step-label']");
        await Expect(label).ToContainTextAsync("Step 3 of 3: timeout fired");
        await Expect(_page.Locator("[data-role='history-state']")).ToContainTextAsync("Lost");

        await _page.Locator("[data-role='history-prev']").ClickAsync();
        await Expect(label).ToContainTextAsync("Step 2 of 3: ItemDetected");
        await Expect(_page.Locator("[data-role='history-state']")).ToContainTextAsync("Active");
        await Expect(_page.Locator("[data-role='history-changes']")).ToContainTextAsync("currentStation");
        await Expect(_page.Locator("[data-role='history-changes']")).ToContainTextAsync("Paint-1");
        await BrowserFixture.SaveScreenshot(_page, "entity-history.png");

        await _page.Locator("[data-role='history-prev']").ClickAsync();
        await Expect(label).ToContainTextAsync("Step 1 of 3: ItemRegistered");
        await Expect(_page.Locator("[data-role='history-prev']")).ToBeDisabledAsync();
    }
}
