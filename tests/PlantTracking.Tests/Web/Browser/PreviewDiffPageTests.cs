using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Projections.Core.Events;
using Projections.Hosting;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;
using Projections.Testing;
using Projections.Testing.Previews;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>
/// The preview's Diff page in Debian's chromium: version 1 of a projection serves, version 2 runs as a preview
/// (<c>run --rebuild scores --preview</c>); the page shows exactly what version 2 changes, filters by field, and switches.
/// </summary>
public sealed partial class PreviewDiffPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _data = new();
    private Microsoft.Playwright.IPage _page = null!;

    public async ValueTask InitializeAsync() => _page = await browser.NewPage();

    public async ValueTask DisposeAsync()
    {
        if (_page is not null) await _page.Context.CloseAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task The_diff_page_shows_the_changed_fields_filters_them_and_switches_to_the_preview()
    {
        using (var events = new SqliteEventStore(_data.Combine("events.db")))
        {
            foreach (var (stream, type, data) in new[] { ("s-1", "Scored", """{"points":3}"""), ("s-2", "Scored", """{"points":7}"""), ("s-3", "Scored", """{"points":1}"""), ("s-4", "Noted", """{"text":"hi"}""") })
                await events.Append(stream, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), type, System.Text.Encoding.UTF8.GetBytes(data), default)], Ct);
        }
        await using (var v1 = Host.Start<ScoresV1>(_data.Path))
            await v1.GenerationReaches(1, _data.Path);
        await using var v2 = Host.Start<ScoresV2>(_data.Path, "--rebuild", ScoresProjection.ProjectionName, "--preview", "--admin-token", "ops:s3cret-at-least-16");
        await v2.GenerationReaches(2, _data.Path);
        var url = await v2.Url();

        await _page.GotoAsync(url + "/#/");
        await Expect(_page.Locator("[data-role='preview']")).ToContainTextAsync("Preview of generation 2 has caught up");
        await _page.Locator("[data-role='diff-link']").ClickAsync();

        await Expect(_page.Locator("[data-metric='added']")).ToHaveTextAsync("1");
        await Expect(_page.Locator("[data-metric='removed']")).ToHaveTextAsync("1");
        await Expect(_page.Locator("[data-metric='changed']")).ToHaveTextAsync("1");
        await Expect(_page.Locator("[data-metric='unchanged']")).ToHaveTextAsync("1");
        await Expect(_page.Locator("[data-metric='previewCheckpoint']")).ToHaveTextAsync("4");
        var changed = _page.Locator("tr[data-key='s-2']");
        await Expect(changed).ToHaveCountAsync(1);
        await Expect(changed).ToContainTextAsync("grade");
        await Expect(changed).ToContainTextAsync("\"low\"");
        await Expect(changed).ToContainTextAsync("\"high\"");
        await BrowserFixture.SaveScreenshot(_page, "preview-diff.png");

        await _page.Locator("[data-filter='field']").FillAsync("grade");
        await Expect(_page.Locator("tbody tr")).ToHaveCountAsync(3); // s-2's grade, and the grade of the added and the removed document
        await Expect(_page.Locator("tbody tr[data-field='points']")).ToHaveCountAsync(0);

        await _page.Locator("[data-role='switch']").First.ClickAsync();
        await _page.Locator("input[aria-label='Admin token']").FillAsync("s3cret-at-least-16");
        await _page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Switch with token" }).ClickAsync();
        await Expect(_page.Locator("[data-metric='generation']")).ToHaveTextAsync("2"); // back on the dashboard, serving the switched-to generation
    }

    /// <summary>The host in-process on the data directory, stopped as by Ctrl+C.</summary>
    private sealed partial class Host : IAsyncDisposable
    {
        private readonly StringWriter _output = new();
        private readonly StringWriter _error = new();
        private readonly CancellationTokenSource _stop = new();
        private Task<int> _exit = Task.FromResult(0);

        public static Host Start<TProjection>(string data, params string[] args) where TProjection : ScoresProjection, new()
        {
            var host = new Host();
            string[] all = ["run", .. args, "--data-dir", data, "--urls", "http://127.0.0.1:0", "--progress", "off"];
            host._exit = Task.Run(() => ProjectionsCommandLine.RunAsync(all, () =>
            {
                var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
                builder.Services.AddProjections(p => p.Add<TProjection>());
                return builder;
            }, configureApp: null, host._output, host._error, host._stop.Token));
            return host;
        }

        public async Task GenerationReaches(int generation, string data) =>
            await Eventually.Value(async () =>
            {
                if (_exit.IsCompleted) throw new InvalidOperationException($"run exited early ({await _exit}):\n{_output}\n{_error}");
                using var store = new SqliteProjectionStore(Path.Combine(data, "projections.db"));
                await store.Initialize(Ct);
                var checkpoint = await store.LoadCheckpoint(ScoresProjection.ProjectionName, generation, Ct);
                return checkpoint?.Position >= GlobalPosition.Of(4) ? checkpoint : null;
            }, Deadline, () => $"generation {generation} did not reach the head:\n{_output}\n{_error}", TimeSpan.FromMilliseconds(100));

        public async Task<string> Url() =>
            (await Eventually.Value(() => Task.FromResult(DashboardUrl().Match(_output.ToString()) is { Success: true } m ? m.Groups[1].Value : null),
                Deadline, () => $"no address printed:\n{_output}\n{_error}"))!;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _exit.WaitAsync(Deadline, Ct);
        }

        [GeneratedRegex(@"Web dashboard and API: (http://127\.0\.0\.1:\d+)")]
        private static partial Regex DashboardUrl();
    }
}
