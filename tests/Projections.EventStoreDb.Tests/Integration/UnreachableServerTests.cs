using FluentAssertions;
using Projections.Core.Events;
using Projections.Testing;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>No server needed: nothing listens on the port.</summary>
public sealed class UnreachableServerTests
{
    [Fact]
    public async Task Operations_fail_with_one_clear_error_naming_the_endpoint()
    {
        var port = LoopbackPort.Unused();
        await using var store = EventStoreDbEventStore.Connect($"esdb://127.0.0.1:{port}?tls=false");

        var read = () => store.GetServerCapabilities(TestContext.Current.CancellationToken);

        (await read.Should().ThrowAsync<EventStoreUnavailableException>()).Which.Message.Should().Contain($"127.0.0.1:{port}");
    }
}
