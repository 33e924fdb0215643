using Xunit;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Runtime;
using Projections.Host.Web;
using Projections.Host.Tests.Web.Fakes;

namespace Projections.Host.Tests.Web;

/// <summary>"Park this event and continue" over HTTP: admin token only, named in the action, refused when there is nothing to park.</summary>
public sealed class ParkAndContinueTests
{
    private const string Path = $"/api/projections/{TestItemsProjection.ProjectionName}/park-and-continue";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void StopOnPoison(FakeProjectionRuntime runtime, ulong position)
    {
        var e = new RecordedEvent("item-7", 3, GlobalPosition.Of(position), Guid.NewGuid(), "ItemDetected", "nope"u8.ToArray(), ReadOnlyMemory<byte>.Empty, DateTimeOffset.UnixEpoch);
        runtime.Status = ProjectionStatus.Stopped;
        runtime.Error = ProjectionFailedException.ForEvent(runtime.Name, e, "item-7", new JsonException("'n' is an invalid start of a value."));
    }

    [Fact]
    public async Task A_stopped_projection_shows_the_event_it_stopped_on_and_the_named_token_parks_it()
    {
        await using var server = await WebTestServer.Start(adminToken: "ops-alice:s3cret");
        StopOnPoison(server.Items, 4711);

        var summary = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/projections/{TestItemsProjection.ProjectionName}", Ct)).RootElement;
        var stoppedOn = summary.GetProperty("stoppedOn");
        stoppedOn.GetProperty("position").GetString().Should().Be("4711");
        stoppedOn.GetProperty("streamId").GetString().Should().Be("item-7");
        stoppedOn.GetProperty("eventType").GetString().Should().Be("ItemDetected");

        using var request = new HttpRequestMessage(HttpMethod.Post, Path + "?position=4711");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        var response = await server.Http.SendAsync(request, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        body.GetProperty("by").GetString().Should().Be("ops-alice");
        body.GetProperty("parked").GetString().Should().Be("the event at position 4711");
        server.Items.ParkRequests.Should().Equal([("ops-alice", (GlobalPosition?)GlobalPosition.Of(4711))]);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("ops-alice:s3cret", HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Unauthorized)]
    public async Task Parking_needs_the_token_secret(string? presented, HttpStatusCode expected)
    {
        await using var server = await WebTestServer.Start(adminToken: "ops-alice:s3cret");
        StopOnPoison(server.Items, 12);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path);
        if (presented is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", presented);

        (await server.Http.SendAsync(request, Ct)).StatusCode.Should().Be(expected);
        server.Items.ParkRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task Parking_is_disabled_without_an_admin_token()
    {
        await using var server = await WebTestServer.Start();
        StopOnPoison(server.Items, 12);

        (await server.Http.PostAsync(Path, null, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        server.Items.ParkRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_running_projection_or_another_position_is_a_conflict_and_nothing_is_parked()
    {
        await using var server = await WebTestServer.Start(adminToken: "s3cret");
        var bearer = new AuthenticationHeaderValue("Bearer", "s3cret");

        using var running = new HttpRequestMessage(HttpMethod.Post, Path) { Headers = { Authorization = bearer } };
        (await server.Http.SendAsync(running, Ct)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        StopOnPoison(server.Items, 12);
        using var elsewhere = new HttpRequestMessage(HttpMethod.Post, Path + "?position=13") { Headers = { Authorization = bearer } };
        var response = await server.Http.SendAsync(elsewhere, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("not at position 13");

        using var malformed = new HttpRequestMessage(HttpMethod.Post, Path + "?position=abc") { Headers = { Authorization = bearer } };
        (await server.Http.SendAsync(malformed, Ct)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        server.Items.ParkRequests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("s3cret", "admin", "s3cret")]
    [InlineData("ops-alice:s3cret", "ops-alice", "s3cret")]
    [InlineData(":s3cret", "admin", ":s3cret")]
    [InlineData("with space:x", "admin", "with space:x")]
    public void A_token_is_named_by_the_part_before_its_first_colon(string configured, string name, string secret)
    {
        AdminToken.Parse(configured).Should().Be(new AdminToken(name, secret));
    }
}
