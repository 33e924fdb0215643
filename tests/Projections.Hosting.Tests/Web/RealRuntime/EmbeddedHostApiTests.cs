using Xunit;
using System.Net;
using System.Text.Json;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Hosting.Tests.Web.Fakes;
using Projections.Testing;

namespace Projections.Hosting.Tests.Web.RealRuntime;

/// <summary>
/// What a user of the API sees when the real engine projects events on the embedded store: the projection's
/// status and progress, filtering and paging of its entities, an entity's live and stored state, and the
/// entity's live stream. (<see cref="ApiTests"/> drives the web layer with a fake runtime step by step.)
/// </summary>
public sealed class EmbeddedHostApiTests : IAsyncLifetime
{
    private const string Api = $"/api/projections/{TestItemsProjection.ProjectionName}";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private EmbeddedHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await EmbeddedHost.Start();
    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Once_the_events_are_projected_the_projection_is_live_with_its_checkpoint_at_the_head_and_the_host_is_ready()
    {
        GlobalPosition last = default;
        for (var i = 0; i < 5; i++) last = await _host.Append($"{i}", new ItemDetected("S1"));

        var projection = await WaitFor("/api/projections", list => list[0].GetProperty("checkpoint").GetString() == last.ToString(),
            $"the checkpoint to reach {last}");

        projection.GetArrayLength().Should().Be(1);
        projection[0].GetProperty("name").GetString().Should().Be(TestItemsProjection.ProjectionName);
        projection[0].GetProperty("status").GetString().Should().Be("live");
        projection[0].GetProperty("head").GetString().Should().Be(last.ToString());
        projection[0].GetProperty("lagEvents").GetInt64().Should().Be(0);
        projection[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()).Should().Equal("status", "currentStation");
        (await GetJson(Api)).GetProperty("status").GetString().Should().Be("live");
        (await _host.Http.GetAsync("/health/ready", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Entities_filter_on_field_values_and_key_ignoring_case_and_page_in_key_order()
    {
        for (var i = 0; i < 30; i++)
        {
            await _host.Append($"{i:D3}", new ItemDetected(i % 2 == 0 ? "S1" : "S2"));
            if (i % 3 == 0) await _host.Append($"{i:D3}", new ItemLost());
        }
        await WaitFor($"{Api}/entities?status=Lost", page => page.GetProperty("total").GetInt64() == 10, "the ten lost items");

        var lost = await GetJson($"{Api}/entities?status=lost&take=4&skip=2");
        lost.GetProperty("total").GetInt64().Should().Be(10);
        Keys(lost).Should().Equal("item-006", "item-009", "item-012", "item-015");
        lost.GetProperty("items")[0].GetProperty("fields").GetProperty("status").GetString().Should().Be("Lost");

        var both = await GetJson($"{Api}/entities?status=LOST&currentStation=s1&key=ITEM-01");
        Keys(both).Should().Equal("item-012", "item-018");

        var all = await GetJson($"{Api}/entities?take=7&skip=28");
        all.GetProperty("total").GetInt64().Should().Be(30);
        Keys(all).Should().Equal("item-028", "item-029");
    }

    [Fact]
    public async Task Entity_detail_shows_the_live_state_with_its_recent_events_and_the_store_catches_up_with_it()
    {
        await _host.Append("42", new ItemDetected("S1"));
        await _host.Append("42", new ItemDetected("S2"));

        var live = await WaitFor($"{Api}/entities/item-42", e => e.GetProperty("version").GetInt64() == 2, "both events applied");
        live.GetProperty("source").GetString().Should().Be("live");
        live.GetProperty("state").GetProperty("currentStation").GetString().Should().Be("S2");
        live.GetProperty("state").GetProperty("detections").GetInt32().Should().Be(2);
        live.GetProperty("recentEvents").EnumerateArray().Select(e => e.GetProperty("eventType").GetString()).Should().Equal("ItemDetected", "ItemDetected");

        var stored = await WaitFor($"{Api}/entities/item-42?source=store", e => e.GetProperty("version").GetInt64() == 2, "the flush of version 2",
            HttpStatusCode.OK, HttpStatusCode.NotFound);
        stored.GetProperty("source").GetString().Should().Be("store");
        stored.GetProperty("state").GetRawText().Should().Be(live.GetProperty("state").GetRawText());
        await WaitFor($"{Api}/entities/item-42", e => e.GetProperty("persistedVersion").GetInt64() == 2, "the live entity to say version 2 is persisted");
        (await _host.Http.GetAsync($"{Api}/entities/item-43", Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_entity_stream_sends_the_state_then_each_event_as_the_engine_applies_it_and_its_flush()
    {
        await _host.Append("7", new ItemDetected("S1"));
        await WaitFor($"{Api}/entities/item-7", e => e.GetProperty("persistedVersion").GetInt64() == 1, "the first event applied and flushed");

        using var stream = await SseReader.Open(_host.Http, $"{Api}/entities/item-7/stream", Ct);
        var snapshot = await stream.NextMessage(Ct);
        snapshot.GetProperty("kind").GetString().Should().Be("snapshot");
        snapshot.GetProperty("entity").GetProperty("version").GetInt64().Should().Be(1);

        await _host.Append("7", new ItemDetected("S4"));
        var applied = await stream.NextMessage(Ct);
        applied.GetProperty("kind").GetString().Should().Be("applied");
        applied.GetProperty("entity").GetProperty("version").GetInt64().Should().Be(2);
        applied.GetProperty("entity").GetProperty("state").GetProperty("currentStation").GetString().Should().Be("S4");

        await _host.Append("7", new ItemLost());
        var messages = new List<JsonElement>();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            // Heartbeats keep the stream busy, so the wait for the flush needs a deadline of its own.
            deadline.CancelAfter(Deadline);
            try
            {
                while (!messages.Any(m => m.GetProperty("kind").GetString() == "persisted" && m.GetProperty("entity").GetProperty("persistedVersion").GetInt64() == 3))
                    messages.Add(await stream.NextMessage(deadline.Token));
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                throw new TimeoutException($"No 'persisted' message for version 3 within {Deadline}; received: {string.Join(", ", messages.Select(m => m.GetRawText()))}");
            }
        }
        var lost = messages.First(m => m.GetProperty("kind").GetString() == "applied");
        lost.GetProperty("entity").GetProperty("fields").GetProperty("status").GetString().Should().Be("Lost");
    }

    private static IEnumerable<string?> Keys(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString());

    private async Task<JsonElement> GetJson(string path)
    {
        var response = await _host.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Reads <paramref name="path"/> until it answers OK with a body <paramref name="accept"/> takes; other allowed statuses count as "not yet".</summary>
    private async Task<JsonElement> WaitFor(string path, Func<JsonElement, bool> accept, string what, params HttpStatusCode[] allowed)
    {
        if (allowed.Length == 0) allowed = [HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable];
        var (status, body) = await Eventually.Get(async () =>
        {
            var response = await _host.Http.GetAsync(path, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            allowed.Should().Contain(response.StatusCode, $"{path} answered {text}");
            return (response.StatusCode, text);
        }, r => r.StatusCode == HttpStatusCode.OK && accept(JsonDocument.Parse(r.text).RootElement), $"{what} ({path})", Deadline);
        return JsonDocument.Parse(body).RootElement;
    }
}
