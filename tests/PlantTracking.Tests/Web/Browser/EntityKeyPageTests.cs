using PlantTracking.Items;
using PlantTracking.Tests.Web.Plant;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>Keys with '/', '..', '%' and spaces in Debian's chromium: the list links to them and the detail view opens that entity.</summary>
public sealed class EntityKeyPageTests(BrowserFixture browser) : PlantPageTest(browser), IClassFixture<BrowserFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;

    [Fact]
    public async Task A_key_with_a_slash_and_dot_dot_opens_its_own_detail_view_with_its_stream_and_history()
    {
        var t0 = DateTimeOffset.UtcNow;
        const string id = "a/../b 50%";
        // The keys a wrongly encoded or normalized link would reach instead.
        await Host.Plant.Register("b 50%", t0);
        await Host.Plant.Register("a", t0);
        await Host.Plant.Register(id, t0);
        await Host.Plant.Detect(id, "Paint-1", t0.AddMinutes(1));
        // The history is folded up to the checkpoint: until the first flush lands it answers 404.
        await Eventually.Until(async () =>
        {
            using var response = await Host.Http.GetAsync($"/api/projections/{Items}/entity/history?key={Uri.EscapeDataString("item-" + id)}",
                TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "the item's history to be readable", TestContext.Current.CancellationToken);

        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/#/p/{Items}").ToString());
        await Page.Locator($"tr[data-key='item-{id}'] a").ClickAsync();

        await Expect(Page.Locator("[data-role='entity-key']")).ToHaveTextAsync("item-" + id);
        await Expect(Page.Locator("[data-role='stream-state']")).ToHaveTextAsync("● live");
        await Expect(Page.Locator("[data-role='state']")).ToContainTextAsync("Paint-1");
        await Expect(Page.Locator("[data-role='persisted']")).ToContainTextAsync("Paint-1");
        await Page.Locator("[data-role='history-load']").ClickAsync();
        await Expect(Page.Locator("[data-role='history-steps'] > li")).ToHaveCountAsync(2);

        await Host.Plant.Detect(id, "Paint-2", t0.AddMinutes(2));
        await Expect(Page.Locator("[data-role='state']")).ToContainTextAsync("Paint-2");
    }

    [Fact]
    public async Task A_malformed_link_says_so_instead_of_a_blank_page()
    {
        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/#/p/{Items}/e/item-%E0%A4%A").ToString());

        await Expect(Page.Locator("[data-role='bad-link']")).ToContainTextAsync("malformed");
    }
}
