using FluentAssertions;
using Xunit;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Tests.Configuration;

public sealed class ConnectionStringsTests
{
    private static readonly HostOption Store = new("store", "Projections:Store", "db://host", "(none)", "A store.", Secret: true);

    private static readonly HostOption Other = new("other", "Projections:Other", "db://host", "(none)", "Another store.");

    [Fact]
    public void Two_projection_stores_cannot_both_be_chosen()
    {
        var registration = Support.TestApp.Registration(p => p.UseProjectionStore(new TestStore(Store, "db://a")).UseProjectionStore(new TestStore(Other, "db://b")));

        FluentActions.Invoking(() => HostSettingsReader.Read(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), registration))
            .Should().Throw<HostUserException>().WithMessage(
                "Both --store (Projections:Store, PROJECTIONS__STORE) and --other (Projections:Other, PROJECTIONS__OTHER) are set, but projections are persisted in one store; set only one.");
    }

    [Theory]
    [InlineData("db://admin:changeit@:2113", "Invalid value 'db://***@:2113' for --store (Projections:Store, PROJECTIONS__STORE): ':2113' is not a host or host:port; expected a db string.")]
    [InlineData("db://user:pa/ss@host:99999", "Invalid value 'db://***@host:99999' for --store (Projections:Store, PROJECTIONS__STORE): 'host:99999' is not a host or host:port; expected a db string.")]
    [InlineData("db://user:p@ss@:1", "Invalid value 'db://***@:1' for --store (Projections:Store, PROJECTIONS__STORE): ':1' is not a host or host:port; expected a db string.")]
    [InlineData("http://x", "Invalid value for --store (Projections:Store, PROJECTIONS__STORE): expected a db string (it must start with db://).")]
    public void Checks_name_the_option_without_credentials(string value, string message) =>
        FluentActions.Invoking(() => ConnectionStrings.Check(Store, value, ["db://"], "a db string"))
            .Should().Throw<HostUserException>().WithMessage(message);

    [Theory]
    [InlineData("esdb://admin:changeit@localhost:2113?tls=false", "esdb://***@localhost:2113?tls=false")]
    [InlineData("mongodb://localhost:27017/?password=x&authSource=admin", "mongodb://localhost:27017/?password=***&authSource=admin")]
    [InlineData("esdb://localhost:2113", "esdb://localhost:2113")]
    [InlineData("mongodb://user:pa/ss@host:27017", "mongodb://***@host:27017")]
    [InlineData("mongodb://user:p@ss@host", "mongodb://***@host")]
    [InlineData("failed to reach 'mongodb://user:p@ss@host/db': timeout", "failed to reach 'mongodb://***@host/db': timeout")]
    [InlineData("Host=db;Password=s3cret;Username=app", "Host=db;Password=***;Username=***")]
    public void Redaction_removes_user_info_and_password_parameters(string value, string redacted) =>
        SecretRedactor.Redact(value).Should().Be(redacted);

    private sealed class TestStore(HostOption option, string? connectionString) : Stores.ProjectionStoreProvider(connectionString)
    {
        public override string Product => "Test";
        public override HostOption Option => option;
        public override ConnectionSetting Parse(string value, Microsoft.Extensions.Configuration.IConfiguration configuration) => new(value, value);
        public override Core.Ports.IProjectionStore Open(ConnectionSetting connection, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
            throw new NotSupportedException();
    }
}
