using PlantTracking.Items;
using PlantTracking.Tests.Web.Plant;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>Keys with '/', '..', '%' and spaces in Debian's chromium: the list links to them and the detail view opens that entity.</summary>
public sealed class EntityKeyPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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
    public async Task A_key_with_a_slash_and_dot_dot_opens_its_own_detail_view_with_its_stream_and_history()
    {
        var t0 = DateTimeOffset.UtcNow;
        const string id = "a/../b 50%";
        // The keys a wrongly encoded or normalized link would reach instead.
        await _host.Plant.Register("b 50%", t0);
        await _host.Plant.Register("a", t0);
        await _host.Plant.Register(id, t0);
        await _host.Plant.Detect(id, "Paint-1", t0.AddMinutes(1));
        // The history is folded up to the checkpoint: until the first flush lands it answers 404.
        await Eventually.Until(async () =>
        {
            using var response = await _host.Http.GetAsync($"/api/projections/{Items}/entity/history?key={Uri.EscapeDataString("item-" + id)}",
                TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "the item's history to be readable", TestContext.Current.CancellationToken);

        await _page.GotoAsync(new Uri(_host.BaseAddress, $"/#/p/{Items}").ToString());
        await _page.Locator($"tr[data-key='item-{id}'] a").ClickAsync();

        await Expect(_page.Locator("[data-role='entity-key']")).ToHaveTextAsync("item-" + id);
        await Expect(_page.Locator("[data-role='stream-state']")).ToHaveTextAsync("● live");
        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync("Paint-1");
        await Expect(_page.Locator("[data-role='persisted']")).ToContainTextAsync("Paint-1");
        await _page.Locator("[data-role='history-load']").ClickAsync();
        await Expect(_page.Locator("[data-role='history-steps'] > li")).ToHaveCountAsync(2);

        await _host.Plant.Detect(id, "Paint-2", t0.AddMinutes(2));
        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync("Paint-2");
    }

    [Fact]
    public async Task A_malformed_link_says_so_instead_of_a_blank_page()
    {
        await _page.GotoAsync(new Uri(_host.BaseAddress, $"/#/p/{Items}/e/item-%E0%A4%A").ToString());

        await Expect(_page.Locator("[data-role='bad-link']")).ToContainTextAsync("malformed");
    }
}
