using Xunit;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Projections.Hosting.Tests.Web.Fakes;

namespace Projections.Hosting.Tests.Web;

/// <summary>Rebuild is state-changing: off without an admin token, and then only with it.</summary>
public sealed class SecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string RebuildPath = $"/api/projections/{TestItemsProjection.ProjectionName}/rebuild";

    [Fact]
    public async Task Rebuild_is_refused_when_no_admin_token_is_configured()
    {
        await using var server = await WebTestServer.Start(adminToken: null);
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "anything");

        var response = await server.Http.PostAsync(RebuildPath, null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Detail(response)).Should().Contain("no admin token is configured").And.Contain("Projections:Web:AdminToken");
        server.Catalog.RebuildRequests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("the-admin-token-but-longer")]
    public async Task Rebuild_requires_the_configured_token(string? presented)
    {
        await using var server = await WebTestServer.Start(adminToken: "the-admin-token");
        if (presented is not null) server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", presented);

        var response = await server.Http.PostAsync(RebuildPath, null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        (await Detail(response)).Should().NotContain("the-admin-token");
        server.Catalog.RebuildRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task Rebuild_starts_with_the_right_token()
    {
        await using var server = await WebTestServer.Start(adminToken: "the-admin-token");
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "the-admin-token");

        var response = await server.Http.PostAsync(RebuildPath, null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        server.Catalog.RebuildRequests.Should().Equal(TestItemsProjection.ProjectionName);
    }

    [Fact]
    public async Task The_admin_token_never_appears_in_the_api()
    {
        await using var server = await WebTestServer.Start(adminToken: "the-admin-token");

        foreach (var path in new[] { "/", "/app.js", "/api/projections", "/health/ready", "/health/live" })
            (await server.Http.GetStringAsync(path, Ct)).Should().NotContain("the-admin-token", path);
    }

    [Fact]
    public async Task A_whitespace_only_admin_token_stops_the_start_with_an_error_naming_the_option()
    {
        var start = () => WebTestServer.Start(adminToken: "   ");

        await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()
            .WithMessage("--admin-token (Projections:Web:AdminToken, PROJECTIONS__WEB__ADMINTOKEN) is only whitespace*");
    }

    [Fact]
    public async Task The_configured_token_is_trimmed()
    {
        await using var server = await WebTestServer.Start(adminToken: " the-admin-token\n");
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "the-admin-token");

        var response = await server.Http.PostAsync(RebuildPath, null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    private static async Task<string> Detail(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
}
