using FluentAssertions;
using Microsoft.Playwright;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Tests.Web.Plant;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>The page in Debian's chromium against the host running the plant projections over SQLite.</summary>
public sealed class PlantPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private IPlantHost _host = null!;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];

    public async ValueTask InitializeAsync()
    {
        _host = await PlantHosts.Start();
        _page = await browser.NewPage();
        _page.Dialog += (_, dialog) => { _dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
    }

    public async ValueTask DisposeAsync()
    {
        if (_page is not null) await _page.Context.CloseAsync();
        await _host.DisposeAsync();
    }

    private Task Open(string hash) => _page.GotoAsync(new Uri(_host.BaseAddress, "/" + hash).ToString());
    private ILocator Card(string projection) => _page.Locator($"[data-projection='{projection}']");

    [Fact]
    public async Task Dashboard_shows_the_lag_reaching_zero()
    {
        await Open("#/");
        await Expect(Card(Items).Locator("[data-role='status']")).ToHaveTextAsync("live");

        await new PlantSimulator(_host.Events, new PlantSimulatorOptions { TotalEvents = 2000, EventsPerSecond = null, Seed = 11, Items = 120 })
            .RunAsync(cancellationToken: TestContext.Current.CancellationToken);
        var head = (await _host.Events.ReadHeadPosition(TestContext.Current.CancellationToken)).ToString();

        foreach (var projection in new[] { Items, "station-load" })
        {
            await Expect(Card(projection).Locator("[data-metric='checkpoint']")).ToHaveTextAsync(head);
            await Expect(Card(projection).Locator("[data-metric='head']")).ToHaveTextAsync(head);
            await Expect(Card(projection).Locator("[data-metric='lagEvents']")).ToHaveTextAsync("0");
        }
        await Expect(Card(Items).Locator("[data-metric='liveAggregates']")).Not.ToHaveTextAsync("0");
        await BrowserFixture.SaveScreenshot(_page, "dashboard.png");
    }

    [Fact]
    public async Task Entity_browser_filters_by_status()
    {
        foreach (var id in new[] { "B1", "B2", "B3", "B4" })
        {
            await _host.Plant.Register(id, Now);
            await _host.Plant.Detect(id, "Weld-1", Now.AddSeconds(1));
        }
        await _host.Plant.Complete("B3", "Weld-1", Now.AddSeconds(2));
        await Open($"#/p/{Items}");
        await Expect(_page.Locator("tbody tr")).ToHaveCountAsync(4);

        await _page.GetByLabel("Status").FillAsync("Completed");

        await Expect(_page.Locator("[data-role='total']")).ToHaveTextAsync("1 live entity");
        await Expect(_page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(_page.Locator("tbody tr td[data-field='status']")).ToHaveTextAsync("Completed");
        (await _page.Locator("tbody tr").GetAttributeAsync("data-key")).Should().Be("item-B3");
    }

    [Fact]
    public async Task Detail_page_shows_new_events_live_then_the_item_becoming_lost()
    {
        await _host.Plant.Register("D1", Now);
        await _host.Plant.AssignPlan("D1", ["Weld-1", "Paint-1", "Assembly-1"], Now);
        await _host.Plant.Detect("D1", "Weld-1", Now.AddMinutes(1));
        await Open($"#/p/{Items}/e/item-D1");
        await Expect(_page.Locator("[data-role='stream-state']")).ToHaveTextAsync("● live");
        await _page.EvaluateAsync("() => { window.__notReloaded = true; }");

        await _host.Plant.Detect("D1", "Paint-1", Now.AddMinutes(3));

        await Expect(_page.Locator("[data-role='recent-events'] li").First).ToContainTextAsync("ItemDetected");
        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync("Paint-1");
        await Expect(_page.Locator("[data-role='live-version']")).ToHaveTextAsync("4");
        await Expect(_page.Locator("[data-role='entity-status']")).ToHaveTextAsync("Active");

        // Another item seen 11 minutes of plant time later moves stream time past D1's 10-minute deadline.
        await _host.Plant.Register("D2", Now.AddMinutes(14));

        await Expect(_page.Locator("[data-role='entity-status']")).ToHaveTextAsync("Lost");
        await Expect(_page.Locator("[data-role='lost']")).ToBeVisibleAsync();
        await Expect(_page.Locator("[data-role='recent-events'] li").First).ToContainTextAsync("timeout fired");
        (await _page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue("the page must update in place");
    }

    [Fact]
    public async Task An_annotation_with_markup_is_shown_as_text()
    {
        const string annotation = "<script>alert(1)</script>";
        await _host.Plant.Register("X1", Now);
        await _host.Plant.AssignPlan("X1", ["Weld-1", "Paint-1", "Assembly-1"], Now);
        await _host.Plant.Detect("X1", "Weld-1", Now.AddMinutes(1));
        await _host.Plant.Detect("X1", "Paint-1", Now.AddMinutes(4));
        await _host.Plant.Annotate("X1", annotation, Now.AddMinutes(5));

        await Open($"#/p/{Items}/e/item-X1");

        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync(annotation);
        await Expect(_page.Locator("[data-role='persisted']")).ToContainTextAsync(annotation);
        (await _page.Locator("[data-role='state'] script").CountAsync()).Should().Be(0);
        _dialogs.Should().BeEmpty();
        await BrowserFixture.SaveScreenshot(_page, "detail.png");
    }

    [Fact]
    public async Task The_key_search_finds_a_retired_item_in_the_store_and_its_page_says_it_is_retired()
    {
        await RetiredItems.CompleteAndRetire(_host, "R2", TestContext.Current.CancellationToken);
        await Open($"#/p/{Items}");

        await _page.GetByLabel("Key contains").FillAsync("item-R2");

        var match = _page.Locator("[data-role='stored-match']");
        await Expect(match).ToContainTextAsync("retired");
        await Expect(_page.Locator("[data-role='total']")).ToHaveTextAsync("0 live entities");
        await match.GetByRole(AriaRole.Link, new() { Name = "item-R2" }).ClickAsync();
        await Expect(_page.Locator("[data-role='retired']")).ToContainTextAsync("Retired");
        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync("Completed");
        await BrowserFixture.SaveScreenshot(_page, "retired.png");
    }

    [Fact]
    public async Task Rebuild_without_a_configured_token_is_refused()
    {
        await Open("#/");

        await Card(Items).Locator("[data-role='rebuild']").ClickAsync();

        await Expect(Card(Items).Locator("[data-role='rebuild-message']")).ToContainTextAsync("no admin token is configured");
        await Expect(Card(Items).Locator("[data-metric='generation']")).ToHaveTextAsync("1");
    }
}
