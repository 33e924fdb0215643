using System.Net.Http.Json;
using FluentAssertions;
using Microsoft.Playwright;
using PlantTracking.Items;
using PlantTracking.Tests.Support;
using PlantTracking.Tests.Web.Plant;
using Projections.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace PlantTracking.Tests.Web.Browser;

/// <summary>
/// The dashboard's shard table in Debian's chromium, with plant-items split into two shards over two real host processes
/// on one data directory: each row shows the host that really writes the shard (as its own API says), its lease epoch
/// and status, and a checkpoint that moves as events arrive. Each host's /metrics carries only the shard it writes.
/// </summary>
public sealed class ShardsDashboardPageTests(BrowserFixture browser) : PlantPageTest(browser), IClassFixture<BrowserFixture>
{
    private const string Items = PlantItemsProjection.ProjectionName;
    // Starting the second host on a loaded machine, then one lease round to hand a shard over and one to take it.
    private static readonly TimeSpan HandOverDeadline = TimeSpan.FromSeconds(90);
    private static readonly PageWaitForFunctionOptions Deadline = new() { Timeout = 30_000, PollingInterval = 200 };
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override async Task<IPlantHost> StartHost() => await AppProcessPlantHost.Start(null, "--shards", "2");

    private AppProcessPlantHost First => (AppProcessPlantHost)Host;

    private ILocator Row(int shard) => Page.Locator($"[data-role='shards'] tr[data-shard-of='{Items}'][data-shard='{shard}']");

    [Fact]
    public async Task The_shard_table_shows_each_shards_writer_epoch_status_and_moving_checkpoint()
    {
        await Register("A", 40);
        await using var second = await AppProcessPlantHost.StartBeside(First, "--shards", "2");
        var (first, other) = (await HostId(Host.Http), await HostId(second.Http));
        // The first host took both shards; the one that joined is handed one over.
        var handedOver = await Eventually.Value(async () =>
            await Owned(second.Http) is [var taken] && (await Owned(Host.Http)).Count == 1 ? taken : null,
            HandOverDeadline, () => $"the joining host was not handed a shard:\n{First.Output}\n{second.Output}", TimeSpan.FromMilliseconds(300));
        var kept = 1 - handedOver.Shard;

        await Open("#/");
        await Expect(Page.Locator($"[data-role='shards'] tbody tr[data-shard-of='{Items}']")).ToHaveCountAsync(2);
        await Expect(Card(Items).Locator("[data-role='card-shards']")).ToContainTextAsync($"2 shards: these figures are of shard {kept}, written by this host");
        await Expect(Row(kept).Locator("[data-role='shard-owner']")).ToHaveTextAsync($"{first} (this host)");
        await Expect(Row(kept).Locator("[data-role='shard-status']")).ToHaveTextAsync("live");
        await Expect(Row(handedOver.Shard).Locator("[data-role='shard-owner']")).ToHaveTextAsync(other);
        await Expect(Row(handedOver.Shard).Locator("[data-role='shard-address']")).ToHaveTextAsync(second.BaseAddress.ToString().TrimEnd('/'));
        await Expect(Row(handedOver.Shard).Locator("[data-role='shard-status']")).ToHaveTextAsync("other host");
        await Expect(Row(handedOver.Shard).Locator("[data-role='shard-epoch']")).ToHaveTextAsync(handedOver.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.Locator($"[data-role='hosts'] tr[data-host='{other}'] [data-role='host-writes']")).ToContainTextAsync($"{Items} (generation 1, shard {handedOver.Shard})");

        // Both checkpoints move as events arrive, and the page says when it saw each move.
        var before = new[] { await Checkpoint(0), await Checkpoint(1) };
        await Register("B", 40);
        foreach (var shard in new[] { 0, 1 })
        {
            await Page.WaitForFunctionAsync(
                $"() => Number(document.querySelector(\"[data-role='shards'] tr[data-shard-of='{Items}'][data-shard='{shard}'] [data-role='shard-checkpoint']\")?.textContent) > {before[shard]}",
                null, Deadline);
            await Expect(Row(shard).Locator("[data-role='shard-moved']")).Not.ToHaveTextAsync("–");
            await Expect(Row(shard).Locator("[data-role='shard-lag']")).Not.ToHaveTextAsync("–");
        }
        await BrowserFixture.SaveScreenshot(Page, "dashboard-shards.png");

        // Each host exports the series of the shard it writes, and only that one.
        (await CheckpointShards(Host.Http)).Should().Equal(kept.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await CheckpointShards(second.Http)).Should().Equal(handedOver.Shard.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task Register(string prefix, int count)
    {
        for (var i = 0; i < count; i++) await Host.Plant.Register($"{prefix}{i:00}", Now);
    }

    /// <summary>The checkpoint the row shows, once it shows one.</summary>
    private async Task<long> Checkpoint(int shard)
    {
        await Expect(Row(shard).Locator("[data-role='shard-checkpoint']")).Not.ToHaveTextAsync("–");
        return long.Parse((await Row(shard).Locator("[data-role='shard-checkpoint']").TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> HostId(HttpClient http) => (await http.GetFromJsonAsync<HostsAnswer>("/api/hosts", Ct))!.ThisHost;

    private static async Task<List<OwnedShard>> Owned(HttpClient http) =>
        (await http.GetFromJsonAsync<ProjectionAnswer>($"/api/projections/{Items}", Ct))!.OwnedShards.Where(o => o.Generation == 1).ToList();

    private static async Task<List<string>> CheckpointShards(HttpClient http) =>
        PrometheusSamples.Of(await http.GetStringAsync("/metrics", Ct), "projections_checkpoint_position")
            .Where(s => s["projection"] == Items).Select(s => s["shard"]).ToList();

    private sealed record HostsAnswer(string ThisHost);

    private sealed record ProjectionAnswer(List<OwnedShard> OwnedShards);

    private sealed record OwnedShard(int Generation, int Shard, long Epoch);
}
