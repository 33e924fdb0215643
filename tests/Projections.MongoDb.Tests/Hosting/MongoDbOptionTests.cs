using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Projections.MongoDb.Hosting;
using Xunit;

namespace Projections.MongoDb.Tests.Hosting;

/// <summary>UseMongoDb: --mongo selects MongoDB; its value is checked with one line that never shows the password.</summary>
public sealed class MongoDbOptionTests
{
    private static HostSettings Read(Dictionary<string, string?> values, string? inCode = null)
    {
        var registration = new ServiceCollection().AddProjections().UseMongoDb(inCode).Registration;
        return HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), registration);
    }

    private static HostSettings ReadMongo(string value) => Read(new Dictionary<string, string?> { ["Projections:Mongo"] = value });

    [Fact]
    public void The_mongo_options_are_listed_with_the_host_options() =>
        new ServiceCollection().AddProjections().UseMongoDb().Registration.Options.Select(o => o.Name).Should().Contain(["mongo", "mongo-database"]);

    [Fact]
    public void Without_a_connection_string_the_embedded_store_is_used() =>
        Read(new Dictionary<string, string?>()).ProjectionStore.Should().BeNull();

    [Fact]
    public void A_connection_string_given_in_code_selects_mongodb_and_configuration_overrides_it()
    {
        Read([], inCode: "mongodb://code:27017").ProjectionStore!.Connection.Value.Should().Be("mongodb://code:27017");
        Read(new Dictionary<string, string?> { ["Projections:Mongo"] = "mongodb://config:27017" }, inCode: "mongodb://code:27017").ProjectionStore!.Connection.Value.Should().Be("mongodb://config:27017");
    }

    [Theory]
    [InlineData("mongodb://localhost:27017")]
    [InlineData("mongodb://user:pw@a:27017,b:27017/?replicaSet=rs0")]
    [InlineData("mongodb+srv://cluster0.example.net")]
    public void Valid_mongo_connection_strings_are_kept(string value)
    {
        var selected = ReadMongo(value).ProjectionStore!;
        selected.Connection.Value.Should().Be(value);
        selected.Provider.Product.Should().Be("MongoDB");
    }

    [Theory]
    [InlineData("localhost:27017", "Invalid value for --mongo (Projections:Mongo, PROJECTIONS__MONGO): expected a MongoDB connection string such as mongodb://localhost:27017 (it must start with mongodb:// or mongodb+srv://).")]
    [InlineData("mongodb://bob:hunter2@bad host:27017", "Invalid value 'mongodb://***@bad host:27017' for --mongo (Projections:Mongo, PROJECTIONS__MONGO): 'bad host:27017' is not a host or host:port; *")]
    public void Malformed_mongo_strings_are_rejected_without_their_credentials(string value, string message)
    {
        var error = FluentActions.Invoking(() => ReadMongo(value)).Should().Throw<HostUserException>().WithMessage(message).Which;
        error.Message.Should().NotContain("hunter2");
    }

    [Fact]
    public void A_bad_database_name_names_the_option() =>
        FluentActions.Invoking(() => Read(new Dictionary<string, string?> { ["Projections:Mongo"] = "mongodb://localhost", ["Projections:MongoDatabase"] = "a.b" }))
            .Should().Throw<HostUserException>().WithMessage("Invalid value 'a.b' for --mongo-database (Projections:MongoDatabase, PROJECTIONS__MONGODATABASE): *");
}
