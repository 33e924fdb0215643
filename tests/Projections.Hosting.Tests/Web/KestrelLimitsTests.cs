using System.Net;
using FluentAssertions;
using Projections.Hosting.Tests.Support;
using Xunit;

namespace Projections.Hosting.Tests.Web;

/// <summary>The limits <c>run</c> gives Kestrel, seen over a real connection.</summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public async Task Run_refuses_oversized_request_headers_and_does_not_name_its_server()
    {
        await using var run = await InProcessRun.Start();
        using var http = new HttpClient { BaseAddress = run.Address };

        using var small = await http.GetAsync("/api/projections", TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/projections");
        request.Headers.Add("X-Padding", new string('x', 20 * 1024));
        using var large = await http.SendAsync(request, TestContext.Current.CancellationToken);

        small.StatusCode.Should().Be(HttpStatusCode.OK, run.Error);
        small.Headers.Server.Should().BeEmpty();
        large.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
    }
}
