using Microsoft.Playwright;
using Xunit;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>
/// One headless Debian chromium for a test class, driven by Playwright. Never downloads a browser:
/// without /usr/bin/chromium the tests are skipped with the reason.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) return;
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A fresh page with a desktop viewport; skips the test when chromium is not installed.</summary>
    public async Task<IPage> NewPage()
    {
        if (_browser is null)
            Assert.Skip($"Browser tests need Debian's chromium at {ChromiumPath} (apt-get install -y chromium; .ci/run installs it).");
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a screenshot into $PROJECTIONS_SCREENSHOTS_DIR when set (docs/screenshots is refreshed that way).</summary>
    public static async Task SaveScreenshot(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("PROJECTIONS_SCREENSHOTS_DIR");
        if (string.IsNullOrEmpty(directory)) return;
        Directory.CreateDirectory(directory);
        var content = await page.Locator("main").BoundingBoxAsync();
        var height = content is null ? 900 : (float)Math.Ceiling(content.Y + content.Height + 16);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(directory, name),
            FullPage = true,
            Clip = new Clip { X = 0, Y = 0, Width = page.ViewportSize!.Width, Height = height },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
