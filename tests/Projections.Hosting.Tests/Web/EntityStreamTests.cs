using Xunit;
using System.Net;
using System.Text.Json;
using FluentAssertions;
using Projections.Testing;
using Projections.Hosting.Tests.Web.Fakes;

namespace Projections.Hosting.Tests.Web;

/// <summary>The Server-Sent Events stream of one entity.</summary>
public sealed class EntityStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Path = $"/api/projections/{TestItemsProjection.ProjectionName}/entities";

    [Fact]
    public async Task Sends_the_state_on_connect_then_every_change_and_unsubscribes_on_disconnect()
    {
        await using var server = await WebTestServer.Start();
        server.Items.Apply("7", "ItemRegistered", s => s);

        using (var stream = await SseReader.Open(server.Http, $"{Path}/7/stream", Ct))
        {
            var snapshot = await stream.NextMessage(Ct);
            snapshot.GetProperty("kind").GetString().Should().Be("snapshot");
            snapshot.GetProperty("entity").GetProperty("version").GetInt64().Should().Be(1);

            server.Items.Apply("7", "ItemDetected", s => (TestItem)s with { CurrentStation = "S4" });
            var applied = await stream.NextMessage(Ct);
            applied.GetProperty("kind").GetString().Should().Be("applied");
            applied.GetProperty("entity").GetProperty("state").GetProperty("currentStation").GetString().Should().Be("S4");

            server.Items.TimeOut("7", s => (TestItem)s with { Status = "Lost" });
            var lost = await stream.NextMessage(Ct);
            lost.GetProperty("kind").GetString().Should().Be("timedOut");
            lost.GetProperty("entity").GetProperty("fields").GetProperty("status").GetString().Should().Be("Lost");

            server.Items.Persist("7");
            var persisted = await stream.NextMessage(Ct);
            persisted.GetProperty("kind").GetString().Should().Be("persisted");
            persisted.GetProperty("entity").GetProperty("persistedVersion").GetInt64().Should().Be(3);
            server.Items.SubscriberCount.Should().Be(1);
        }

        await Eventually.Until(() => server.Items.SubscriberCount == 0, TimeSpan.FromSeconds(10), "the stream's subscription to be disposed after the client left", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Sends_heartbeat_comments_while_idle()
    {
        await using var server = await WebTestServer.Start(heartbeat: TimeSpan.FromMilliseconds(100));
        server.Items.Apply("7", "ItemRegistered", s => s);

        using var stream = await SseReader.Open(server.Http, $"{Path}/7/stream", Ct);
        await stream.NextMessage(Ct);

        (await stream.NextLine(Ct)).Should().Be(": heartbeat");
    }

    [Fact]
    public async Task An_unknown_key_is_404_not_an_empty_stream()
    {
        await using var server = await WebTestServer.Start();

        var response = await server.Http.GetAsync($"{Path}/nobody/stream", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        server.Items.SubscriberCount.Should().Be(0);
    }
}
