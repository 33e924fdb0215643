using FluentAssertions;
using Microsoft.Playwright;
using Projections.Core.Events;
using Projections.Core.Runtime;
using Projections.Host.Tests.Web.Fakes;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Projections.Host.Tests.Web.Browser;

/// <summary>The page in a real browser against the web layer on Kestrel, runtime driven by the test.</summary>
public sealed class PageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Name = TestItemsProjection.ProjectionName;
    private WebTestServer _server = null!;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];

    public async ValueTask InitializeAsync()
    {
        _server = await WebTestServer.Start();
        _page = await browser.NewPage();
        _page.Dialog += (_, dialog) => { _dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
    }

    public async ValueTask DisposeAsync()
    {
        if (_page is not null) await _page.Context.CloseAsync();
        await _server.DisposeAsync();
    }

    private Task Open(string hash) => _page.GotoAsync(new Uri(_server.BaseAddress, "/" + hash).ToString());

    private ILocator Card => _page.Locator($"[data-projection='{Name}']");

    [Fact]
    public async Task Dashboard_shows_the_lag_reaching_zero()
    {
        _server.Items.Status = ProjectionStatus.CatchingUp;
        _server.Items.Stats = FakeProjectionRuntime.EmptyStats with { Head = GlobalPosition.Of(5000), Checkpoint = GlobalPosition.Of(1200), LagPositions = 3800, LagSeconds = 42 };
        await Open("#/");
        await Expect(Card.Locator("[data-metric='lagEvents']")).ToHaveTextAsync("3,800");
        await Expect(Card.Locator("[data-role='status']")).ToHaveTextAsync("catching up");

        _server.Items.Status = ProjectionStatus.Live;
        _server.Items.Stats = _server.Items.Stats with { Checkpoint = GlobalPosition.Of(5000), LagPositions = 0, LagSeconds = 0 };

        await Expect(Card.Locator("[data-metric='lagEvents']")).ToHaveTextAsync("0");
        await Expect(Card.Locator("[data-metric='lagSeconds']")).ToHaveTextAsync("0.0");
        await Expect(Card.Locator("[data-role='status']")).ToHaveTextAsync("live");
        await BrowserFixture.SaveScreenshot(_page, "dashboard.png");
    }

    [Fact]
    public async Task Entity_browser_filters_by_status()
    {
        foreach (var (key, status) in new[] { ("a1", "Active"), ("a2", "Lost"), ("a3", "Active"), ("a4", "Lost"), ("a5", "Completed") })
            _server.Items.Apply(key, "ItemDetected", s => (TestItem)s with { Status = status, CurrentStation = "S1" });
        await Open($"#/p/{Name}");
        await Expect(_page.Locator("tbody tr")).ToHaveCountAsync(5);

        await _page.GetByLabel("Status").FillAsync("Lost");

        await Expect(_page.Locator("[data-role='total']")).ToHaveTextAsync("2 live entities");
        await Expect(_page.Locator("tbody tr")).ToHaveCountAsync(2);
        (await _page.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)")).Should().Equal("a2", "a4");
        _page.Url.Should().Contain("status=Lost");
    }

    [Fact]
    public async Task Detail_page_shows_a_new_event_without_reload_and_the_timeout_making_it_lost()
    {
        _server.Items.Apply("item-1", "ItemRegistered", s => s);
        await Open($"#/p/{Name}/e/item-1");
        await Expect(_page.Locator("[data-role='stream-state']")).ToHaveTextAsync("● live");
        await _page.EvaluateAsync("() => { window.__notReloaded = true; }");

        _server.Items.Apply("item-1", "ItemDetected", s => (TestItem)s with { CurrentStation = "Paint-3", Detections = 1 });

        await Expect(_page.Locator("[data-role='recent-events'] li").First).ToContainTextAsync("ItemDetected");
        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync("Paint-3");
        await Expect(_page.Locator("[data-role='live-version']")).ToHaveTextAsync("2");

        _server.Items.TimeOut("item-1", s => (TestItem)s with { Status = "Lost" });

        await Expect(_page.Locator("[data-role='entity-status']")).ToHaveTextAsync("Lost");
        await Expect(_page.Locator("[data-role='lost']")).ToBeVisibleAsync();
        await BrowserFixture.SaveScreenshot(_page, "detail.png");
        (await _page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue("the page must update in place");
    }

    [Fact]
    public async Task An_annotation_with_markup_is_shown_as_text()
    {
        const string annotation = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        _server.Items.Apply("item-x", "AnnotationAdded", s => (TestItem)s with { Annotations = [annotation], CurrentStation = "<b>S1</b>" });
        _server.Items.Persist("item-x");
        await Open($"#/p/{Name}/e/item-x");

        await Expect(_page.Locator("[data-role='state']")).ToContainTextAsync(annotation);
        await Expect(_page.Locator("[data-role='persisted']")).ToContainTextAsync(annotation);
        await Open($"#/p/{Name}");
        await Expect(_page.Locator("td[data-field='currentStation']")).ToHaveTextAsync("<b>S1</b>");

        (await _page.Locator("[data-role='state'] script, [data-role='state'] img, td b").CountAsync()).Should().Be(0);
        _dialogs.Should().BeEmpty();
    }

    [Fact]
    public async Task Rebuild_without_a_configured_token_is_refused()
    {
        await Open("#/");

        await Card.Locator("[data-role='rebuild']").ClickAsync();

        await Expect(Card.Locator("[data-role='rebuild-message']")).ToContainTextAsync("no admin token is configured");
        _server.Catalog.RebuildRequests.Should().BeEmpty();
    }
}
