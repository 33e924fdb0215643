using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Projections.Core.Events;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>No server needed: nothing listens on the port.</summary>
public sealed class UnreachableServerTests
{
    [Fact]
    public async Task Operations_fail_with_one_clear_error_naming_the_endpoint()
    {
        var port = ClosedPort();
        await using var store = EventStoreDbEventStore.Connect($"esdb://127.0.0.1:{port}?tls=false");

        var read = () => store.GetServerCapabilities(TestContext.Current.CancellationToken);

        (await read.Should().ThrowAsync<EventStoreUnavailableException>()).Which.Message.Should().Contain($"127.0.0.1:{port}");
    }

    private static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
