using Xunit;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Hosting.Tests.Web.Fakes;

namespace Projections.Hosting.Tests.Web;

/// <summary>
/// The JSON API over Kestrel on loopback, with the runtime driven by the test. What the real engine answers
/// (query semantics, live and stored state, the stream) is in <see cref="RealRuntime.EmbeddedHostApiTests"/>.
/// </summary>
public sealed class ApiTests : IAsyncLifetime
{
    private WebTestServer _server = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await WebTestServer.Start();
    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> GetJson(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _server.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.Should().Be(expected, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private void Seed(string key, string status, string station) =>
        _server.Items.Apply(key, "ItemDetected", s => (TestItem)s with { Status = status, CurrentStation = station });

    [Fact]
    public async Task Lists_projections_with_their_progress_in_camel_case()
    {
        _server.Items.Stats = FakeProjectionRuntime.EmptyStats with
        {
            Checkpoint = GlobalPosition.Of(90), Head = GlobalPosition.Of(100), LagPositions = 10, DirtyAggregates = 3, LastFlushDocuments = 7,
        };

        var list = await GetJson("/api/projections");

        var projection = list.EnumerateArray().Should().ContainSingle().Subject;
        projection.GetProperty("name").GetString().Should().Be(TestItemsProjection.ProjectionName);
        projection.GetProperty("status").GetString().Should().Be("live");
        projection.GetProperty("checkpoint").GetString().Should().Be("90");
        projection.GetProperty("head").GetString().Should().Be("100");
        projection.GetProperty("lagEvents").GetInt64().Should().Be(10);
        projection.GetProperty("dirtyAggregates").GetInt32().Should().Be(3);
        projection.GetProperty("lastFlushDocuments").GetInt32().Should().Be(7);
        projection.GetProperty("fields").EnumerateArray().Select(f => f.GetString()).Should().Equal("status", "currentStation");
    }

    [Fact]
    public async Task A_writing_host_lists_the_shards_it_owns_and_a_standby_none()
    {
        _server.Items.HeldLeases = [new Lease(new LeaseKey(TestItemsProjection.ProjectionName, 2, 0), "host-a", 5)];

        var owner = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}");
        _server.Items.HeldLeases = [];
        _server.Items.Status = ProjectionStatus.Standby;
        var standby = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}");

        var shard = owner.GetProperty("ownedShards").EnumerateArray().Should().ContainSingle().Subject;
        shard.GetProperty("generation").GetInt32().Should().Be(2);
        shard.GetProperty("shard").GetInt32().Should().Be(0);
        shard.GetProperty("epoch").GetInt64().Should().Be(5);
        shard.GetProperty("owner").GetString().Should().Be("host-a");
        standby.GetProperty("status").GetString().Should().Be("standby");
        standby.GetProperty("ownedShards").EnumerateArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Hosts_are_listed_with_their_role_and_the_projections_the_writer_writes()
    {
        var started = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var key = new LeaseKey(TestItemsProjection.ProjectionName, 1, 0);
        _server.Catalog.Hosts.AddRange([
            new HostRecord("host-a", "http://127.0.0.1:5001", started, started.AddMinutes(5), true, []),
            new HostRecord("fake-host", "http://127.0.0.1:5002", started.AddSeconds(1), started.AddMinutes(5), true, [key]),
            new HostRecord("host-c", null, started.AddSeconds(2), started.AddMinutes(1), false, []),
        ]);

        var answer = await GetJson("/api/hosts");

        answer.GetProperty("thisHost").GetString().Should().Be("fake-host");
        var hosts = answer.GetProperty("hosts").EnumerateArray().ToList();
        hosts.Select(h => (h.GetProperty("id").GetString(), h.GetProperty("role").GetString(), h.GetProperty("thisHost").GetBoolean()))
            .Should().Equal(("host-a", "standby", false), ("fake-host", "writing", true), ("host-c", "gone", false));
        hosts[0].GetProperty("address").GetString().Should().Be("http://127.0.0.1:5001");
        hosts[0].GetProperty("lastHeartbeat").GetDateTimeOffset().Should().Be(started.AddMinutes(5));
        var written = hosts[1].GetProperty("writes").EnumerateArray().Should().ContainSingle().Subject;
        written.GetProperty("projection").GetString().Should().Be(TestItemsProjection.ProjectionName);
        written.GetProperty("generation").GetInt32().Should().Be(1);
        written.GetProperty("shard").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Stream_time_its_wall_clock_lead_and_why_it_does_not_advance_are_listed()
    {
        var streamTime = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
        _server.Items.Stats = FakeProjectionRuntime.EmptyStats with
        {
            StreamTime = streamTime, WallClockLead = TimeSpan.FromMinutes(2), StreamTimeAdvance = StreamTimeAdvance.SourceDisconnected,
        };

        var projection = (await GetJson("/api/projections")).EnumerateArray().Should().ContainSingle().Subject;

        projection.GetProperty("streamTime").GetDateTimeOffset().Should().Be(streamTime);
        projection.GetProperty("wallClockLeadSeconds").GetDouble().Should().Be(120);
        projection.GetProperty("streamTimeAdvance").GetString().Should().Be("sourceDisconnected");
    }

    [Fact]
    public async Task A_stopped_projection_shows_its_error_without_credentials()
    {
        _server.Items.Status = ProjectionStatus.Stopped;
        _server.Items.Error = new InvalidOperationException("store at mongodb://admin:s3cret@db:27017 refused; Password=hunter2;");

        var projection = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}");

        projection.GetProperty("status").GetString().Should().Be("stopped");
        var error = projection.GetProperty("error").GetString();
        error.Should().Contain("refused").And.NotContain("s3cret").And.NotContain("hunter2");
    }

    [Fact]
    public async Task Unknown_projection_is_404_naming_the_known_ones()
    {
        var problem = await GetJson("/api/projections/nope/entities", HttpStatusCode.NotFound);

        problem.GetProperty("detail").GetString().Should().Contain("'nope'").And.Contain(TestItemsProjection.ProjectionName);
    }

    [Fact]
    public async Task Unknown_key_is_404()
    {
        var problem = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/entities/missing", HttpStatusCode.NotFound);

        problem.GetProperty("detail").GetString().Should().Contain("'missing'");
    }

    [Theory]
    [InlineData("colour=red", "Unknown filter 'colour'")]
    [InlineData("take=0", "'take' must be a whole number from 1 to 500")]
    [InlineData("take=100000", "'take' must be a whole number from 1 to 500")]
    [InlineData("skip=-1", "'skip' must be a whole number")]
    [InlineData("skip=abc", "got 'abc'")]
    [InlineData("status=Lost&status=Active", "must be given once")]
    public async Task Bad_entity_queries_are_400_saying_what_was_wrong(string query, string expected)
    {
        var problem = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/entities?{query}", HttpStatusCode.BadRequest);

        problem.GetProperty("detail").GetString().Should().Contain(expected);
    }

    [Fact]
    public async Task Entity_detail_returns_live_state_versions_and_recent_events_and_the_store_on_request()
    {
        Seed("42", "Active", "S1");
        _server.Items.Persist("42");
        _server.Items.Apply("42", "AnnotationAdded", s => (TestItem)s with { Annotations = ["<script>alert(1)</script>"] });

        var live = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/entities/42");
        live.GetProperty("source").GetString().Should().Be("live");
        live.GetProperty("version").GetInt64().Should().Be(2);
        live.GetProperty("persistedVersion").GetInt64().Should().Be(1);
        live.GetProperty("state").GetProperty("annotations")[0].GetString().Should().Be("<script>alert(1)</script>");
        live.GetProperty("recentEvents").EnumerateArray().Select(e => e.GetProperty("eventType").GetString())
            .Should().Equal("AnnotationAdded", "ItemDetected");

        var stored = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/entities/42?source=store");
        stored.GetProperty("source").GetString().Should().Be("store");
        stored.GetProperty("version").GetInt64().Should().Be(1);
        stored.GetProperty("state").GetProperty("annotations").GetArrayLength().Should().Be(0);

        await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/entities/42?source=disk", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Dead_letters_carry_the_reason_and_the_event_as_text()
    {
        _server.Items.DeadLetters.Add(new DeadLetter(GlobalPosition.Of(7), "item-9", 3, Guid.NewGuid(), "ItemDetected",
            "{not json"u8.ToArray(), "{}"u8.ToArray(), "JsonException: payload is not JSON", DateTimeOffset.UtcNow));

        var letters = await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/dead-letters");

        var letter = letters.EnumerateArray().Should().ContainSingle().Subject;
        letter.GetProperty("reason").GetString().Should().Be("JsonException: payload is not JSON");
        letter.GetProperty("data").GetString().Should().Be("{not json");
        letter.GetProperty("streamId").GetString().Should().Be("item-9");
        letter.GetProperty("position").GetString().Should().Be("7");

        await GetJson($"/api/projections/{TestItemsProjection.ProjectionName}/dead-letters?take=x", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_page_is_served_self_contained()
    {
        var html = await _server.Http.GetStringAsync("/", Ct);
        var script = await _server.Http.GetAsync("/app.js", Ct);

        html.Should().Contain("<script src=\"app.js\"></script>").And.NotContain("http://").And.NotContain("https://");
        script.StatusCode.Should().Be(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        script.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'");
        (await script.Content.ReadAsStringAsync(Ct)).Should().NotContain("innerHTML");
    }

    [Fact]
    public async Task Under_a_prefix_the_page_its_assets_and_the_api_are_served_there_and_the_page_uses_relative_urls()
    {
        await using var server = await WebTestServer.Start(prefix: "/ops");
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        var bare = await noRedirect.GetAsync("/ops", Ct);
        bare.StatusCode.Should().Be(HttpStatusCode.Redirect);
        bare.Headers.Location!.ToString().Should().Be("/ops/");
        var html = await server.Http.GetStringAsync("/ops/", Ct);
        html.Should().Contain("<script src=\"app.js\"></script>").And.Contain("href=\"app.css\"").And.NotContain("\"/");
        (await server.Http.GetAsync("/ops/app.js", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.Http.GetStringAsync("/ops/app.js", Ct)).Should().Contain("`api/projections/").And.NotContain("'/api/").And.NotContain("`/api/");
        (await server.Http.GetAsync("/ops/api/projections", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.Http.GetAsync("/ops/health/live", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.Http.GetAsync("/api/projections", Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/entities/missing")]
    [InlineData("/entities/missing?source=store")]
    [InlineData("/entities/missing/stream")]
    [InlineData("/dead-letters")]
    public async Task A_projection_that_has_not_started_answers_503_with_a_problem_body(string path)
    {
        _server.Items.NotStarted = true;

        var response = await _server.Http.GetAsync($"/api/projections/{TestItemsProjection.ProjectionName}{path}", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("detail").GetString().Should().Be($"Projection '{TestItemsProjection.ProjectionName}' has not started.");
    }
}
