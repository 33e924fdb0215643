using FluentAssertions;
using Xunit;
using Microsoft.Extensions.Configuration;
using Projections.Host;
using Projections.Host.Cli;
using Projections.Host.Configuration;

namespace Projections.Host.Tests.Configuration;

public sealed class ConnectionStringsTests
{
    private static HostSettings Read(params string[] args) =>
        HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(CommandLineParser.Parse(args).ConfigOverrides).Build());

    [Theory]
    [InlineData("esdb://localhost:2113?tls=false")]
    [InlineData("esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true")]
    [InlineData("esdb+discover://cluster.example.com:2113")]
    [InlineData("esdb://[::1]:2113")]
    public void Valid_eventstore_connection_strings_are_kept(string value) =>
        Read("--eventstore", value).EventStore!.Value.Should().Be(value);

    [Theory]
    [InlineData("mongodb://localhost:27017")]
    [InlineData("mongodb://user:pw@a:27017,b:27017/?replicaSet=rs0")]
    [InlineData("mongodb+srv://cluster0.example.net")]
    public void Valid_mongo_connection_strings_are_kept(string value) =>
        Read("--mongo", value).Mongo!.Value.Should().Be(value);

    [Theory]
    [InlineData("http://localhost:2113", "Invalid value for --eventstore (Projections:EventStore, PROJECTIONS__EVENTSTORE): expected an EventStoreDB connection string such as esdb://localhost:2113?tls=false (it must start with esdb:// or esdb+discover://).")]
    [InlineData("esdb://admin:changeit@:2113", "Invalid value 'esdb://***@:2113' for --eventstore (Projections:EventStore, PROJECTIONS__EVENTSTORE): ':2113' is not a host or host:port; *")]
    [InlineData("esdb://admin:changeit@host:99999", "Invalid value 'esdb://***@host:99999' for --eventstore (Projections:EventStore, PROJECTIONS__EVENTSTORE): 'host:99999' is not a host or host:port; *")]
    public void Malformed_eventstore_strings_are_rejected_without_their_credentials(string value, string message)
    {
        var error = FluentActions.Invoking(() => Read("--eventstore", value)).Should().Throw<HostUserException>().WithMessage(message).Which;
        error.Message.Should().NotContain("changeit");
    }

    [Theory]
    [InlineData("localhost:27017", "Invalid value for --mongo (Projections:Mongo, PROJECTIONS__MONGO): expected a MongoDB connection string such as mongodb://localhost:27017 (it must start with mongodb:// or mongodb+srv://).")]
    [InlineData("mongodb://bob:hunter2@bad host:27017", "Invalid value 'mongodb://***@bad host:27017' for --mongo (Projections:Mongo, PROJECTIONS__MONGO): 'bad host:27017' is not a host or host:port; *")]
    public void Malformed_mongo_strings_are_rejected_without_their_credentials(string value, string message)
    {
        var error = FluentActions.Invoking(() => Read("--mongo", value)).Should().Throw<HostUserException>().WithMessage(message).Which;
        error.Message.Should().NotContain("hunter2");
    }

    [Theory]
    [InlineData("esdb://admin:changeit@localhost:2113?tls=false", "esdb://***@localhost:2113?tls=false")]
    [InlineData("mongodb://localhost:27017/?password=x&authSource=admin", "mongodb://localhost:27017/?password=***&authSource=admin")]
    [InlineData("esdb://localhost:2113", "esdb://localhost:2113")]
    public void Redaction_removes_user_info_and_password_parameters(string value, string redacted) =>
        ConnectionStrings.Redact(value).Should().Be(redacted);
}
