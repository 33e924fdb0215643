using FluentAssertions;
using Projections.EventStoreDb.Connection;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class ConnectionStringParserTests
{
    [Fact]
    public void Single_insecure_node_with_credentials()
    {
        var s = ConnectionStringParser.Parse("esdb://admin:changeit@localhost:2113?tls=false");

        s.Hosts.Should().Equal(new EndPointAddress("localhost", 2113));
        s.UseDiscovery.Should().BeFalse();
        s.Tls.Should().BeFalse();
        s.Credentials.Should().Be(new UserCredentials("admin", "changeit"));
        ChannelFactory.AddressOf(s, s.Hosts[0]).Should().Be(new Uri("http://localhost:2113"));
    }

    [Fact]
    public void Defaults_are_the_official_clients()
    {
        var s = ConnectionStringParser.Parse("esdb://db.example");

        s.Hosts.Should().Equal(new EndPointAddress("db.example", 2113));
        s.Tls.Should().BeTrue();
        s.TlsVerifyCert.Should().BeTrue();
        s.Credentials.Should().BeNull();
        s.NodePreference.Should().Be(NodePreference.Leader);
        s.DefaultDeadline.Should().Be(TimeSpan.FromSeconds(10));
        s.KeepAliveInterval.Should().Be(TimeSpan.FromSeconds(10));
        s.KeepAliveTimeout.Should().Be(TimeSpan.FromSeconds(10));
        ChannelFactory.AddressOf(s, s.Hosts[0]).Should().Be(new Uri("https://db.example:2113"));
    }

    [Fact]
    public void Discover_scheme_and_several_hosts_use_gossip_seeds()
    {
        ConnectionStringParser.Parse("esdb+discover://cluster.local:2113").UseDiscovery.Should().BeTrue();

        var s = ConnectionStringParser.Parse("esdb://a:2111,b:2112,[::1]:2113/?nodePreference=follower");
        s.UseDiscovery.Should().BeTrue();
        s.Hosts.Should().Equal(new EndPointAddress("a", 2111), new EndPointAddress("b", 2112), new EndPointAddress("::1", 2113));
        s.NodePreference.Should().Be(NodePreference.Follower);
    }

    [Fact]
    public void Options_are_case_insensitive_and_parsed_in_milliseconds()
    {
        var s = ConnectionStringParser.Parse(
            "esdb://h?TLS=true&tlsverifycert=false&keepAliveInterval=-1&keepAliveTimeout=2500&defaultDeadline=30000&gossipTimeout=700&maxDiscoverAttempts=3&discoveryInterval=50&connectionName=proj&throwOnAppendFailure=false");

        s.TlsVerifyCert.Should().BeFalse();
        s.KeepAliveInterval.Should().Be(Timeout.InfiniteTimeSpan);
        s.KeepAliveTimeout.Should().Be(TimeSpan.FromMilliseconds(2500));
        s.DefaultDeadline.Should().Be(TimeSpan.FromSeconds(30));
        s.GossipTimeout.Should().Be(TimeSpan.FromMilliseconds(700));
        s.MaxDiscoverAttempts.Should().Be(3);
        s.DiscoveryInterval.Should().Be(TimeSpan.FromMilliseconds(50));
        s.ConnectionName.Should().Be("proj");
        s.ThrowOnAppendFailure.Should().BeFalse();
    }

    [Fact]
    public void Escaped_credentials_are_decoded()
    {
        ConnectionStringParser.Parse("esdb://us%40er:p%3Ass@h").Credentials.Should().Be(new UserCredentials("us@er", "p:ss"));
    }

    [Fact]
    public void Basic_auth_header_carries_the_credentials()
    {
        var headers = EventStoreDbConnection.BuildHeaders(ConnectionStringParser.Parse("esdb://admin:changeit@h"));

        headers.GetValue("authorization").Should().Be("Basic YWRtaW46Y2hhbmdlaXQ=");
        headers.GetValue("requires-leader").Should().Be("true");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost:2113", "missing scheme")]
    [InlineData("http://localhost:2113", "unknown scheme 'http'")]
    [InlineData("esdb://", "no host")]
    [InlineData("esdb://localhost:21x3", "port '21x3'")]
    [InlineData("esdb://localhost:70000", "port '70000'")]
    [InlineData("esdb://a,,b", "empty host")]
    [InlineData("esdb://localhost/db", "unexpected path '/db'")]
    [InlineData("esdb://admin@localhost", "user info")]
    [InlineData("esdb://admin:@localhost", "password for user 'admin' is empty")]
    [InlineData("esdb://localhost?tls=maybe", "option 'tls' must be true or false, not 'maybe'")]
    [InlineData("esdb://localhost?tlsVerifyCert=0", "option 'tlsVerifyCert'")]
    [InlineData("esdb://localhost?keepAliveInterval=soon", "option 'keepAliveInterval'")]
    [InlineData("esdb://localhost?defaultDeadline=0", "option 'defaultDeadline'")]
    [InlineData("esdb://localhost?nodePreference=fastest", "option 'nodePreference'")]
    [InlineData("esdb://localhost?colour=blue", "unknown option 'colour'")]
    [InlineData("esdb://localhost?tls", "option 'tls' must be key=value")]
    [InlineData("esdb://localhost?tls=false&TLS=true", "option 'TLS' is given more than once")]
    public void Malformed_strings_name_the_bad_part(string connectionString, string expectedPart)
    {
        var parse = () => ConnectionStringParser.Parse(connectionString);

        parse.Should().Throw<InvalidConnectionStringException>()
            .Which.Message.Should().StartWith("Invalid EventStoreDB connection string").And.Contain(expectedPart);
    }

    [Fact]
    public void Errors_never_echo_the_password()
    {
        var parse = () => ConnectionStringParser.Parse("admin:secret@localhost");

        parse.Should().Throw<InvalidConnectionStringException>().Which.Message.Should().NotContain("secret");
    }

    [Fact]
    public void Description_hides_the_password()
    {
        var s = ConnectionStringParser.Parse("esdb://admin:secret@localhost:2113?tls=false");

        s.Describe().Should().Contain("localhost:2113").And.Contain("admin").And.NotContain("secret");
    }
}

public sealed class ChannelFactoryTests
{
    [Fact]
    public void A_missing_tls_ca_file_is_named()
    {
        var settings = ConnectionStringParser.Parse("esdb://localhost?tlsCaFile=/nonexistent/ca.crt");

        var create = () => ChannelFactory.Create(settings, settings.Hosts[0]);

        create.Should().Throw<InvalidConnectionStringException>().Which.Message.Should().Contain("tlsCaFile '/nonexistent/ca.crt' does not exist");
    }

    [Fact]
    public void A_client_certificate_needs_its_key()
    {
        var parse = () => ConnectionStringParser.Parse("esdb://localhost?userCertFile=/certs/user.crt");

        parse.Should().Throw<InvalidConnectionStringException>().Which.Message.Should().Contain("userCertFile and userKeyFile");
    }
}
