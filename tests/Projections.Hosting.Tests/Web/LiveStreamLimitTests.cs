using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting.Tests.Web.Fakes;
using Projections.Hosting.Web;
using Projections.Testing;
using Xunit;

namespace Projections.Hosting.Tests.Web;

/// <summary>Live streams are capped, shared per entity, and a client that stops reading is cut off, over real connections.</summary>
public sealed class LiveStreamLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Path = $"/api/projections/{TestItemsProjection.ProjectionName}/entities";

    private static Dictionary<string, string?> Limits(int all, int perClient, TimeSpan? writeTimeout = null, int? bufferBytes = null) => new()
    {
        [$"{WebOptions.Section}:MaxLiveStreams"] = all.ToString(),
        [$"{WebOptions.Section}:MaxLiveStreamsPerClient"] = perClient.ToString(),
        [$"{WebOptions.Section}:LiveStreamWriteTimeout"] = (writeTimeout ?? TimeSpan.FromHours(1)).ToString(),
        [$"{WebOptions.Section}:LiveStreamBufferBytes"] = (bufferBytes ?? 64 * 1024 * 1024).ToString(),
    };

    [Fact]
    public async Task A_client_address_beyond_its_cap_gets_503_with_a_problem_body_while_another_address_is_served()
    {
        await using var server = await WebTestServer.Start(settings: Limits(all: 10, perClient: 2));
        server.Items.Apply("7", "ItemRegistered", s => s);
        using var first = ClientFrom(server.BaseAddress, "127.0.0.1");
        using var second = ClientFrom(server.BaseAddress, "127.0.0.2");

        using var a = await SseReader.Open(first, $"{Path}/7/stream", Ct);
        using var b = await SseReader.Open(first, $"{Path}/7/stream", Ct);
        using var refused = await first.GetAsync($"{Path}/7/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var other = await SseReader.Open(second, $"{Path}/7/stream", Ct);

        await ShouldBeRefused(refused, "--max-live-streams-per-client");
        (await other.NextMessage(Ct)).GetProperty("kind").GetString().Should().Be("snapshot");

        a.Dispose();
        await Eventually.Until(() => server.Gate.Open == 2, TimeSpan.FromSeconds(10), "the closed stream to release its place", Ct);
        using var again = await SseReader.Open(first, $"{Path}/7/stream", Ct);
    }

    [Fact]
    public async Task Beyond_the_global_cap_every_address_gets_503()
    {
        await using var server = await WebTestServer.Start(settings: Limits(all: 2, perClient: 10));
        server.Items.Apply("7", "ItemRegistered", s => s);
        using var first = ClientFrom(server.BaseAddress, "127.0.0.1");
        using var second = ClientFrom(server.BaseAddress, "127.0.0.2");

        using var a = await SseReader.Open(first, $"{Path}/7/stream", Ct);
        using var b = await SseReader.Open(second, $"{Path}/7/stream", Ct);
        using var refused = await second.GetAsync($"{Path}/7/stream", HttpCompletionOption.ResponseHeadersRead, Ct);

        await ShouldBeRefused(refused, "--max-live-streams (");
    }

    [Fact]
    public async Task Each_change_is_read_and_serialized_once_for_all_streams_of_the_entity()
    {
        await using var server = await WebTestServer.Start();
        server.Items.Apply("7", "ItemRegistered", s => s);
        var streams = new List<SseReader>();
        for (var i = 0; i < 5; i++)
        {
            streams.Add(await SseReader.Open(server.Http, $"{Path}/7/stream", Ct));
            await streams[^1].NextMessage(Ct);
        }
        var readsBefore = server.Items.LiveReads;

        server.Items.Apply("7", "ItemDetected", s => (TestItem)s with { CurrentStation = "S4" });
        var received = new List<string>();
        foreach (var stream in streams) received.Add((await stream.NextMessage(Ct)).GetRawText());

        received.Should().AllBe(received[0]);
        JsonDocument.Parse(received[0]).RootElement.GetProperty("entity").GetProperty("state").GetProperty("currentStation").GetString().Should().Be("S4");
        (server.Items.LiveReads - readsBefore).Should().Be(1, "one change is read once for its five streams");
        server.Items.SubscriberCount.Should().Be(1, "the streams share one engine subscription");
        streams.ForEach(s => s.Dispose());
        await Eventually.Until(() => server.Items.SubscriberCount == 0, TimeSpan.FromSeconds(10), "the last stream's leaving to end the subscription", Ct);
    }

    [Fact]
    public async Task A_stream_whose_writes_stay_blocked_is_dropped_and_frees_its_place()
    {
        await using var server = await WebTestServer.Start(settings: Limits(all: 10, perClient: 1, writeTimeout: TimeSpan.FromMilliseconds(500), bufferBytes: int.MaxValue));

        await DropsAClientThatStopsReading(server);
    }

    [Fact]
    public async Task A_stream_that_falls_further_behind_than_its_buffer_is_dropped_and_frees_its_place()
    {
        await using var server = await WebTestServer.Start(settings: Limits(all: 10, perClient: 1, bufferBytes: 256 * 1024));

        await DropsAClientThatStopsReading(server);
    }

    /// <summary>A raw client with a tiny receive window asks for a stream and never reads; large changes fill the socket buffers.</summary>
    private static async Task DropsAClientThatStopsReading(WebTestServer server)
    {
        server.Items.Apply("7", "ItemRegistered", s => s);
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port, Ct);
        await stalled.SendAsync(Encoding.ASCII.GetBytes($"GET {Path}/7/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), Ct);
        await Eventually.Until(() => server.Items.SubscriberCount == 1, TimeSpan.FromSeconds(10), "the stream to be open", Ct);

        var large = new string('x', 64 * 1024);
        var changes = 0;
        await Eventually.Until(() =>
        {
            server.Items.Apply("7", "ItemDetected", s => (TestItem)s with { Annotations = [large, (++changes).ToString()] });
            return server.Gate.Open == 0;
        }, TimeSpan.FromSeconds(15), "the host to drop the stream of a client that stopped reading", Ct);

        await Eventually.Until(() => server.Items.SubscriberCount == 0, TimeSpan.FromSeconds(10), "the dropped stream to leave the entity's feed", Ct);
        using var reader = await SseReader.Open(server.Http, $"{Path}/7/stream", Ct);
        (await reader.NextMessage(Ct)).GetProperty("kind").GetString().Should().Be("snapshot");
    }

    private static async Task ShouldBeRefused(HttpResponseMessage response, string naming)
    {
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be(503);
        problem.GetProperty("detail").GetString().Should().Contain(naming);
    }

    /// <summary>An HTTP client whose connections come from <paramref name="source"/>, a loopback address, as a distinct client would.</summary>
    private static HttpClient ClientFrom(Uri baseAddress, string source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = baseAddress };
}
