using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Xunit;

namespace Projections.EventStoreDb.Tests.Hosting;

/// <summary>UseEventStoreDb: --eventstore selects EventStoreDB; its value is checked with one line that never shows the password.</summary>
public sealed class EventStoreDbOptionTests
{
    private static HostSettings Read(string? value, string? inCode = null)
    {
        var registration = new ServiceCollection().AddProjections().UseEventStoreDb(inCode).Registration;
        var values = new Dictionary<string, string?> { ["Projections:EventStore"] = value };
        return HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), registration);
    }

    [Fact]
    public void Without_a_connection_string_the_embedded_event_store_is_used() => Read(null).EventSource.Should().BeNull();

    [Fact]
    public void A_connection_string_given_in_code_selects_eventstoredb() =>
        Read(null, inCode: "esdb://code:2113").EventSource!.Connection.Value.Should().Be("esdb://code:2113");

    [Theory]
    [InlineData("esdb://localhost:2113?tls=false")]
    [InlineData("esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true")]
    [InlineData("esdb+discover://cluster.example.com:2113")]
    [InlineData("esdb://[::1]:2113")]
    public void Valid_eventstore_connection_strings_are_kept(string value) =>
        Read(value).EventSource!.Connection.Value.Should().Be(value);

    [Theory]
    [InlineData("http://localhost:2113", "Invalid value for --eventstore (Projections:EventStore, PROJECTIONS__EVENTSTORE): expected an EventStoreDB connection string such as esdb://localhost:2113?tls=false (it must start with esdb:// or esdb+discover://).")]
    [InlineData("esdb://admin:changeit@:2113", "Invalid value 'esdb://***@:2113' for --eventstore (Projections:EventStore, PROJECTIONS__EVENTSTORE): ':2113' is not a host or host:port; *")]
    [InlineData("esdb://admin:changeit@host:99999", "Invalid value 'esdb://***@host:99999' for --eventstore (Projections:EventStore, PROJECTIONS__EVENTSTORE): 'host:99999' is not a host or host:port; *")]
    public void Malformed_eventstore_strings_are_rejected_without_their_credentials(string value, string message)
    {
        var error = FluentActions.Invoking(() => Read(value)).Should().Throw<HostUserException>().WithMessage(message).Which;
        error.Message.Should().NotContain("changeit");
    }
}
