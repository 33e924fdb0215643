using Xunit;
using System.Net;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting.Tests.Web.Fakes;
using Projections.Hosting.Web;
using Projections.Testing;

namespace Projections.Hosting.Tests.Web.RealRuntime;

/// <summary>
/// The entity list on the real engine: filtered pages, walked with the <c>after</c> cursor the previous page's
/// <c>next</c> gives, hold exactly the live entities with the value after events move them (and after eviction),
/// and queries that scan the live set are capped with 503 while indexed ones, the projection list and the
/// readiness check still answer.
/// </summary>
public sealed class EntityQueryApiTests
{
    private const string Api = $"/api/projections/{TestItemsProjection.ProjectionName}";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cursor_pages_of_a_field_value_hold_exactly_the_entities_that_have_it_after_they_move()
    {
        await using var host = await EmbeddedHost.Start();
        var station = new Dictionary<string, string>();
        var status = new Dictionary<string, string>();
        for (var i = 0; i < 24; i++)
        {
            await host.Append($"{i:D2}", new ItemDetected(i % 2 == 0 ? "S1" : "S2"));
            (station[$"item-{i:D2}"], status[$"item-{i:D2}"]) = (i % 2 == 0 ? "S1" : "S2", "Active");
        }
        for (var i = 0; i < 24; i += 3)
        {
            await host.Append($"{i:D2}", new ItemDetected("S3"));
            station[$"item-{i:D2}"] = "S3";
        }
        for (var i = 0; i < 24; i += 4)
        {
            await host.Append($"{i:D2}", new ItemLost());
            status[$"item-{i:D2}"] = "Lost";
        }
        await host.Append("23", new ItemDetected("S3"));
        station["item-23"] = "S3";
        await WaitFor(host, $"{Api}/entities/item-23", e => e.GetProperty("version").GetInt64() == 2, "the last event applied");

        foreach (var value in new[] { "S1", "s2", "S3" })
        {
            var expected = station.Keys.Where(k => station[k].Equals(value, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
            (await Walk(host, $"{Api}/entities?currentStation={value}&take=3")).Should().Equal(expected, $"currentStation={value} after the moves");
        }
        (await Walk(host, $"{Api}/entities?status=lost&take=4")).Should().Equal(status.Keys.Where(k => status[k] == "Lost").Order(StringComparer.Ordinal));

        var fromMiddle = await GetJson(host, $"{Api}/entities?currentStation=S3&after=item-10&take=2");
        Keys(fromMiddle).Should().Equal("item-12", "item-15");
        fromMiddle.GetProperty("after").GetString().Should().Be("item-10");
        fromMiddle.GetProperty("next").GetString().Should().Be("item-15");
        fromMiddle.GetProperty("total").GetInt64().Should().Be(station.Values.Count(v => v == "S3"), "the total counts every match, not only those after the cursor");
    }

    [Fact]
    public async Task An_evicted_entity_leaves_its_field_value_and_is_listed_under_its_new_value_once_an_event_brings_it_back()
    {
        await using var host = await EmbeddedHost.Start(new Dictionary<string, string?>
        {
            ["Projections:Engine:Partitions"] = "1",
            ["Projections:Engine:MaxLiveAggregates"] = "3",
        });
        for (var i = 0; i < 8; i++)
        {
            await host.Append($"{i}", new ItemDetected("S1"));
            // Flushed before the next event: only clean, persisted entities are evicted.
            await WaitFor(host, $"{Api}/entities/item-{i}", e => e.GetProperty("persistedVersion").GetInt64() == 1, $"item-{i} persisted");
        }
        var live = new List<string>();
        for (var i = 0; i < 8; i++)
            if ((await GetJson(host, $"{Api}/entities/item-{i}")).GetProperty("source").GetString() == "live") live.Add($"item-{i}");
        live.Should().NotContain("item-0").And.HaveCountLessThan(8);

        var s1 = await GetJson(host, $"{Api}/entities?currentStation=S1");
        Keys(s1).Should().Equal(live);
        s1.GetProperty("total").GetInt64().Should().Be(live.Count);

        await host.Append("0", new ItemDetected("S2"));
        var s2 = await WaitFor(host, $"{Api}/entities?currentStation=S2", p => p.GetProperty("total").GetInt64() == 1, "item-0 back under S2");
        Keys(s2).Should().Equal("item-0");
        Keys(await GetJson(host, $"{Api}/entities?currentStation=S1&take=50")).Should().NotContain("item-0");
    }

    [Fact]
    public async Task Beyond_the_scan_limit_a_scanning_query_gets_503_while_indexed_queries_the_projection_list_and_readiness_answer()
    {
        await using var host = await EmbeddedHost.Start(new Dictionary<string, string?> { ["Projections:Web:MaxEntityScans"] = "1" });
        await host.Append("1", new ItemDetected("S1"));
        await WaitFor(host, $"{Api}/entities/item-1", e => e.GetProperty("version").GetInt64() == 1, "the event applied");
        var gate = host.Services.GetRequiredService<EntityScanGate>();

        using (gate.TryEnter(out _)) // one scan is running: the limit is reached
        {
            foreach (var scan in new[] { "key=item", "status=Active&currentStation=S1", "skip=10001" })
            {
                var response = await host.Http.GetAsync($"{Api}/entities?{scan}", Ct);
                response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, scan);
                response.Headers.RetryAfter.Should().NotBeNull();
                var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
                problem.GetProperty("title").GetString().Should().Be("Too many entity scans");
                problem.GetProperty("detail").GetString().Should().Contain("--max-entity-scans");
            }
            Keys(await GetJson(host, $"{Api}/entities?currentStation=s1")).Should().Equal("item-1");
            Keys(await GetJson(host, $"{Api}/entities?after=item-0")).Should().Equal("item-1");
            (await host.Http.GetAsync("/api/projections", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await host.Http.GetAsync("/health/ready", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        Keys(await GetJson(host, $"{Api}/entities?key=ITEM")).Should().Equal(["item-1"], "the scan runs once the other has ended");
        Keys(await GetJson(host, $"{Api}/entities?key=item")).Should().Equal(["item-1"], "a finished scan gives its place back");
    }

    /// <summary>Follows <c>next</c> as <c>after</c> until a page is not full; every page must report the same total.</summary>
    private static async Task<List<string?>> Walk(EmbeddedHost host, string first)
    {
        var keys = new List<string?>();
        long? total = null;
        for (var path = first; ;)
        {
            var page = await GetJson(host, path);
            keys.AddRange(Keys(page));
            (total ??= page.GetProperty("total").GetInt64()).Should().Be(page.GetProperty("total").GetInt64());
            if (page.GetProperty("next").GetString() is not { } next)
            {
                total.Should().Be(keys.Count);
                return keys;
            }
            path = $"{first}&after={Uri.EscapeDataString(next)}";
        }
    }

    private static IEnumerable<string?> Keys(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString());

    private static async Task<JsonElement> GetJson(EmbeddedHost host, string path)
    {
        var response = await host.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement> WaitFor(EmbeddedHost host, string path, Func<JsonElement, bool> accept, string what)
    {
        var (_, body) = await Eventually.Get(async () =>
        {
            var response = await host.Http.GetAsync(path, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }, r => r.StatusCode == HttpStatusCode.OK && accept(JsonDocument.Parse(r.Item2).RootElement), $"{what} ({path})", Deadline);
        return JsonDocument.Parse(body).RootElement;
    }
}
