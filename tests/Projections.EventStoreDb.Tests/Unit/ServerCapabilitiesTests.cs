using FluentAssertions;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Protocol.ServerFeatures;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class ServerCapabilitiesTests
{
    private static SupportedMethods Methods(string version, params (string Service, string Method)[] methods)
    {
        var answer = new SupportedMethods { EventStoreServerVersion = version };
        answer.Methods.AddRange(methods.Select(m => new SupportedMethod { ServiceName = m.Service, MethodName = m.Method }));
        return answer;
    }

    [Fact]
    public void Batch_append_is_detected_from_the_advertised_methods()
    {
        ServerCapabilities.From(Methods("23.10.6", ("event_store.client.streams.streams", "batchappend"))).SupportsBatchAppend.Should().BeTrue();
        ServerCapabilities.From(Methods("23.10.6", ("event_store.client.streams.streams", "read"))).SupportsBatchAppend.Should().BeFalse();
    }

    [Theory]
    [InlineData("21.10.9", false)]
    [InlineData("22.10.0", false)]
    [InlineData("23.10.0", true)]
    [InlineData("24.10.0-preview1", true)]
    [InlineData("23.10.6.0", true)]
    public void Caught_up_messages_are_expected_from_23_10_on(string version, bool sendsCaughtUp)
    {
        ServerCapabilities.From(Methods(version)).SendsCaughtUp.Should().Be(sendsCaughtUp);
    }

    [Fact]
    public void An_unreadable_version_counts_as_older_than_supported()
    {
        ServerCapabilities.ParseVersion("unknown").Should().BeLessThan(ServerCapabilities.MinimumServerVersion);
    }
}
