using System.Net;
using System.Text.Json;
using FluentAssertions;
using Projections.Hosting.Tests.Web.Fakes;
using Xunit;

namespace Projections.Hosting.Tests.Web;

/// <summary>Every key reaches its own entity: '/', '%', spaces and non-ASCII in a path segment, and any key (also '.' and '..') as ?key= (history by key is read by the browser test against the real host).</summary>
public sealed class EntityKeyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Projection = $"/api/projections/{TestItemsProjection.ProjectionName}";

    public static TheoryData<string> PathKeys => ["a/b", "a/../b", "50% off", "a%2Fb", "kéy ключ 鍵", "x?y#z"];
    public static TheoryData<string> AnyKeys => ["a/b", ".", "..", "../..", "50% off", "a%2Fb", "kéy ключ 鍵", " "];

    [Theory]
    [MemberData(nameof(PathKeys))]
    public async Task A_key_percent_encoded_in_the_path_reads_that_entity(string key)
    {
        await using var server = await WithDecoys(key);

        using var response = await server.Http.GetAsync($"{Projection}/entities/{Uri.EscapeDataString(key)}", Ct);

        await ShouldBe(response, key);
    }

    [Theory]
    [MemberData(nameof(AnyKeys))]
    public async Task Any_key_as_a_query_parameter_reads_that_entity_and_its_stream(string key)
    {
        await using var server = await WithDecoys(key);
        var query = $"?key={Uri.EscapeDataString(key)}";

        using var detail = await server.Http.GetAsync($"{Projection}/entity{query}", Ct);
        using var stream = await SseReader.Open(server.Http, $"{Projection}/entity/stream{query}", Ct);

        await ShouldBe(detail, key);
        (await stream.NextMessage(Ct)).GetProperty("entity").GetProperty("key").GetString().Should().Be(key);
    }

    [Fact]
    public async Task A_missing_key_parameter_is_a_bad_request_naming_it()
    {
        await using var server = await WebTestServer.Start();

        using var response = await server.Http.GetAsync($"{Projection}/entity", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("'key' is required");
    }

    /// <summary>The entity and the ones a wrongly decoded or normalized key would reach instead.</summary>
    private static async Task<WebTestServer> WithDecoys(string key)
    {
        var server = await WebTestServer.Start();
        foreach (var k in new[] { key, "a", "b", "a%2Fb", "a/b", "50", "kéy", "x" }.Distinct())
            server.Items.Apply(k, "ItemRegistered", s => (TestItem)s with { CurrentStation = "station of " + k });
        return server;
    }

    private static async Task ShouldBe(HttpResponseMessage response, string key)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var entity = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        entity.GetProperty("key").GetString().Should().Be(key);
        entity.GetProperty("state").GetProperty("currentStation").GetString().Should().Be("station of " + key);
    }
}
