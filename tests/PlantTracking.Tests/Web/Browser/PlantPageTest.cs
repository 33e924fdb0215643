using Microsoft.Playwright;
using PlantTracking.Tests.Web.Plant;
using Xunit;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>
/// A browser test against its own plant host: a fresh host process (simulator off) and a fresh page in the class's
/// chromium for every test, both closed after it.
/// </summary>
public abstract class PlantPageTest(BrowserFixture browser) : IAsyncLifetime
{
    protected IPlantHost Host { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        Host = await StartHost();
        Page = await browser.NewPage();
    }

    /// <summary>The host the page is opened on; a test class may start it with other options.</summary>
    protected virtual async Task<IPlantHost> StartHost() => await PlantHosts.Start();

    public async ValueTask DisposeAsync()
    {
        if (Page is not null) await Page.Context.CloseAsync();
        if (Host is not null) await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the page at <paramref name="hash"/> (e.g. <c>#/p/plant-items</c>).</summary>
    protected Task Open(string hash) => Page.GotoAsync(new Uri(Host.BaseAddress, "/" + hash).ToString());

    /// <summary>A projection's card on the dashboard.</summary>
    protected ILocator Card(string projection) => Page.Locator($"[data-projection='{projection}']");
}
