using FluentAssertions;
using Microsoft.Playwright;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Tests.Web.Plant;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>The page in Debian's chromium against the host running the plant projections over SQLite.</summary>
public sealed class PlantPageTests(BrowserFixture browser) : PlantPageTest(browser), IClassFixture<BrowserFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly List<string> _dialogs = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Page.Dialog += (_, dialog) => { _dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
    }

    [Fact]
    public async Task Dashboard_shows_the_lag_reaching_zero()
    {
        await Open("#/");
        await Expect(Card(Items).Locator("[data-role='status']")).ToHaveTextAsync("live");

        await new PlantSimulator(Host.Events, new PlantSimulatorOptions { TotalEvents = 2000, EventsPerSecond = null, Seed = 11, Items = 120 })
            .RunAsync(cancellationToken: TestContext.Current.CancellationToken);
        var head = (await Host.Events.ReadHeadPosition(TestContext.Current.CancellationToken)).ToString();

        foreach (var projection in new[] { Items, "station-load" })
        {
            await Expect(Card(projection).Locator("[data-metric='checkpoint']")).ToHaveTextAsync(head);
            await Expect(Card(projection).Locator("[data-metric='head']")).ToHaveTextAsync(head);
            await Expect(Card(projection).Locator("[data-metric='lagEvents']")).ToHaveTextAsync("0");
        }
        await Expect(Card(Items).Locator("[data-metric='liveAggregates']")).Not.ToHaveTextAsync("0");
        await BrowserFixture.SaveScreenshot(Page, "dashboard.png");
    }

    [Fact]
    public async Task Entity_list_hides_finished_items_by_default_and_offers_the_seen_statuses_as_choices()
    {
        foreach (var id in new[] { "B1", "B2", "B3", "B4" })
        {
            await Host.Plant.Register(id, Now);
            await Host.Plant.Detect(id, "Weld-1", Now.AddSeconds(1));
        }
        await Host.Plant.Complete("B3", "Weld-1", Now.AddSeconds(2));
        await Eventually.Until(async () => (await Host.Http.GetStringAsync($"/api/projections/{Items}/entities/item-B3", TestContext.Current.CancellationToken))
            .Contains("\"Completed\""), TimeSpan.FromSeconds(30), "B3 completed in memory", TestContext.Current.CancellationToken);
        await Open($"#/p/{Items}");

        // Completed is the plant's finished state (RetireWhen): the list starts with the items still going on.
        await Expect(Page.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(Page.Locator("tr[data-key='item-B3']")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-role='finished-hidden']")).ToContainTextAsync("finished ones hidden");
        var status = Page.Locator("select[data-filter='status']");
        await Expect(status.Locator("option")).ToHaveTextAsync(["any", "Active", "Completed"]);

        await status.SelectOptionAsync("Completed");
        await Expect(Page.Locator("[data-role='total']")).ToHaveTextAsync("0 live entities");
        await Page.Locator("[data-role='show-finished']").CheckAsync();

        await Expect(Page.Locator("[data-role='total']")).ToHaveTextAsync("1 live entity");
        await Expect(Page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(Page.Locator("tbody tr td[data-field='status']")).ToHaveTextAsync("Completed");
        (await Page.Locator("tbody tr").GetAttributeAsync("data-key")).Should().Be("item-B3");
        Page.Url.Should().Contain("finished=any").And.Contain("status=Completed");
    }

    [Fact]
    public async Task Detail_page_shows_new_events_live_then_the_item_becoming_lost()
    {
        await Host.Plant.Register("D1", Now);
        await Host.Plant.AssignPlan("D1", ["Weld-1", "Paint-1", "Assembly-1"], Now);
        await Host.Plant.Detect("D1", "Weld-1", Now.AddMinutes(1));
        await Open($"#/p/{Items}/e/item-D1");
        await Expect(Page.Locator("[data-role='stream-state']")).ToHaveTextAsync("● live");
        await Page.EvaluateAsync("() => { window.__notReloaded = true; }");

        await Host.Plant.Detect("D1", "Paint-1", Now.AddMinutes(3));

        await Expect(Page.Locator("[data-role='recent-events'] li").First).ToContainTextAsync("ItemDetected");
        await Expect(Page.Locator("[data-role='state']")).ToContainTextAsync("Paint-1");
        await Expect(Page.Locator("[data-role='live-version']")).ToHaveTextAsync("4");
        await Expect(Page.Locator("[data-role='entity-status']")).ToHaveTextAsync("Active");

        // Another item seen 11 minutes of plant time later moves stream time past D1's 10-minute deadline.
        await Host.Plant.Register("D2", Now.AddMinutes(14));

        await Expect(Page.Locator("[data-role='entity-status']")).ToHaveTextAsync("Lost");
        await Expect(Page.Locator("[data-role='lost']")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-role='recent-events'] li").First).ToContainTextAsync("timeout fired");
        (await Page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue("the page must update in place");
    }

    [Fact]
    public async Task An_annotation_with_markup_is_shown_as_text()
    {
        const string annotation = "<script>alert(1)</script>";
        await Host.Plant.Register("X1", Now);
        await Host.Plant.AssignPlan("X1", ["Weld-1", "Paint-1", "Assembly-1"], Now);
        await Host.Plant.Detect("X1", "Weld-1", Now.AddMinutes(1));
        await Host.Plant.Detect("X1", "Paint-1", Now.AddMinutes(4));
        await Host.Plant.Annotate("X1", annotation, Now.AddMinutes(5));

        await Open($"#/p/{Items}/e/item-X1");

        await Expect(Page.Locator("[data-role='state']")).ToContainTextAsync(annotation);
        await Expect(Page.Locator("[data-role='persisted']")).ToContainTextAsync(annotation);
        (await Page.Locator("[data-role='state'] script").CountAsync()).Should().Be(0);
        _dialogs.Should().BeEmpty();
        await BrowserFixture.SaveScreenshot(Page, "detail.png");
    }

    [Fact]
    public async Task The_key_search_finds_a_retired_item_in_the_store_and_its_page_says_it_is_retired()
    {
        await RetiredItems.CompleteAndRetire(Host, "R2", TestContext.Current.CancellationToken);
        await Open($"#/p/{Items}");

        await Page.GetByLabel("Key contains").FillAsync("item-R2");

        var match = Page.Locator("[data-role='stored-match']");
        await Expect(match).ToContainTextAsync("retired");
        await Expect(Page.Locator("[data-role='total']")).ToHaveTextAsync("0 live entities");
        await match.GetByRole(AriaRole.Link, new() { Name = "item-R2" }).ClickAsync();
        await Expect(Page.Locator("[data-role='retired']")).ToContainTextAsync("Retired");
        await Expect(Page.Locator("[data-role='state']")).ToContainTextAsync("Completed");
        await BrowserFixture.SaveScreenshot(Page, "retired.png");
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
