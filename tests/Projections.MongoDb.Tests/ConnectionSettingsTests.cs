using FluentAssertions;
using MongoDB.Driver;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class ConnectionSettingsTests
{
    private const string Secret = "s3cr3t-Pa55";

    private static MongoStoreSettings Settings(string connectionString, string? database = null, string writeConcern = "majority") =>
        MongoStoreSettings.From(new MongoProjectionStoreOptions { ConnectionString = connectionString, DatabaseName = database, WriteConcern = writeConcern });

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("localhost:27017", "has no scheme")]
    [InlineData("http://localhost:27017", "scheme 'http://'")]
    [InlineData("mongodb://", "names no host")]
    [InlineData("mongodb://localhost:27017,,other", "empty entry in its host list")]
    [InlineData("mongodb://localhost:70000", "port '70000' for the host 'localhost'")]
    [InlineData("mongodb://localhost:abc", "port 'abc' for the host 'localhost'")]
    [InlineData("mongodb://local host", "invalid host name 'local host'")]
    [InlineData("mongodb://[::1:27017", "unclosed '['")]
    [InlineData("mongodb+srv://cluster.example.net:27017", "mongodb+srv:// takes a DNS name without a port")]
    [InlineData("mongodb+srv://a.example.net,b.example.net", "mongodb+srv:// takes exactly one DNS name")]
    [InlineData("mongodb://localhost/db/extra", "only one database name")]
    [InlineData("mongodb://localhost/?replicaSet", "option 'replicaSet' without a value")]
    [InlineData("mongodb://localhost/?replicaSet=", "option 'replicaSet' without a value")]
    [InlineData("mongodb://localhost/?a=1&&b=2", "empty option")]
    [InlineData("mongodb://localhost/?connectTimeoutMS=soon", "connecttimeoutms has an invalid")]
    public void Malformed_connection_strings_get_one_error_naming_the_bad_part(string connectionString, string part)
    {
        var act = () => Settings(connectionString);

        act.Should().Throw<MongoStoreConfigurationException>().WithMessage($"*{part}*");
    }

    [Theory]
    [InlineData("mongodb://admin:" + Secret + "@db@host:27017", "unescaped '@'")]
    [InlineData("mongodb://admin:" + Secret + ":x@host:27017", "unescaped ':' in the password")]
    [InlineData("mongodb://admin:" + Secret + "/x@host:27017", "'/' in the user name or password")]
    [InlineData("mongodb://admin:" + Secret + "%zz@host:27017", "invalid '%' escape in the user name or password")]
    [InlineData("mongodb://admin:" + Secret + "@host:27017/?authMechanism=NOPE", "not valid")]
    [InlineData("mongodb://admin:" + Secret + "@host:27017/?tls=maybe", "not valid")]
    [InlineData(Secret, "has no scheme")]
    [InlineData("mongodb://host/?" + Secret, "(hidden)")]
    [InlineData("mongodb://admin:hunter2@host/?hunter2", "(hidden)")]
    public void Errors_never_echo_the_password(string connectionString, string part)
    {
        var act = () => Settings(connectionString);

        var error = act.Should().Throw<MongoStoreConfigurationException>().WithMessage($"*{part}*").Which;
        error.ToString().Should().NotContain(Secret);
    }

    [Fact]
    public void A_valid_string_yields_hosts_database_and_a_description_without_credentials()
    {
        var settings = Settings("mongodb://reader:" + Secret + "@db1:27017,db2:27018/plant?replicaSet=rs0");

        settings.DatabaseName.Should().Be("plant");
        settings.Client.Servers.Select(s => s.ToString()).Should().Equal("db1:27017", "db2:27018");
        settings.Client.ReplicaSetName.Should().Be("rs0");
        settings.Description.Should().Be("MongoDB db1:27017,db2:27018/plant").And.NotContain(Secret).And.NotContain("reader");
    }

    [Fact]
    public void The_database_option_wins_over_the_connection_string_and_defaults_to_projections()
    {
        Settings("mongodb://localhost/plant", database: "other").DatabaseName.Should().Be("other");
        Settings("mongodb://localhost").DatabaseName.Should().Be("projections");
    }

    [Theory]
    [InlineData("my.db", "'.'")]
    [InlineData("my db", "' '")]
    [InlineData("", "empty")]
    public void Database_names_mongo_refuses_are_reported(string database, string reason)
    {
        var act = () => Settings("mongodb://localhost", database: database);

        act.Should().Throw<MongoStoreConfigurationException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void Server_selection_timeout_defaults_to_the_option_unless_the_string_sets_it()
    {
        Settings("mongodb://localhost").Client.ServerSelectionTimeout.Should().Be(TimeSpan.FromSeconds(10));
        Settings("mongodb://localhost/?serverSelectionTimeoutMS=1500").Client.ServerSelectionTimeout.Should().Be(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void Write_concern_defaults_to_majority_with_a_timeout()
    {
        var concern = Settings("mongodb://localhost").WriteConcern;

        concern.W.Should().Be(WriteConcern.WValue.Parse("majority"));
        concern.WTimeout.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("3", "3")]
    [InlineData("MAJORITY", "majority")]
    [InlineData("dataCenters", "dataCenters")]
    public void Write_concern_accepts_counts_majority_and_custom_modes(string text, string w)
    {
        Settings("mongodb://localhost", writeConcern: text).WriteConcern.W.Should().Be(WriteConcern.WValue.Parse(w));
    }

    [Theory]
    [InlineData("0", "does not acknowledge")]
    [InlineData("-1", "does not acknowledge")]
    [InlineData(" ", "empty")]
    public void Write_concerns_without_acknowledgement_are_refused(string text, string reason)
    {
        var act = () => Settings("mongodb://localhost", writeConcern: text);

        act.Should().Throw<MongoStoreConfigurationException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void A_transaction_time_limit_must_be_positive()
    {
        var act = () => MongoStoreSettings.From(new MongoProjectionStoreOptions { ConnectionString = "mongodb://localhost", TransactionTimeLimit = TimeSpan.Zero });

        act.Should().Throw<MongoStoreConfigurationException>().WithMessage("TransactionTimeLimit must be positive*");
    }
}
