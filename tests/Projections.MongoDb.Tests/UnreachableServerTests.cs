using System.Diagnostics;
using FluentAssertions;
using Projections.Core.Ports;
using Projections.Testing;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>Runs without MongoDB: a closed loopback port stands for a server that is down.</summary>
public sealed class UnreachableServerTests
{
    [Fact]
    public async Task Initialize_reports_a_server_that_does_not_answer_once_and_promptly()
    {
        var port = LoopbackPort.Unused();
        using var store = new MongoProjectionStore(new MongoProjectionStoreOptions
        {
            ConnectionString = $"mongodb://app:hunter2@127.0.0.1:{port}/?directConnection=true",
            ServerSelectionTimeout = TimeSpan.FromMilliseconds(300),
        });
        var clock = Stopwatch.StartNew();

        var act = () => store.Initialize(TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<ProjectionStoreUnavailableException>()).Which;
        error.Message.Should().StartWith($"MongoDB 127.0.0.1:{port}/projections could not answer 'hello' after 1 attempt(s)");
        error.Message.Should().NotContain("hunter2");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "one attempt, not minutes of retries");
    }

    [Fact]
    public void The_constructor_refuses_unusable_options_before_any_connection()
    {
        var act = () => new MongoProjectionStore(new MongoProjectionStoreOptions { ConnectionString = "mongodb://localhost:99999" });

        act.Should().Throw<MongoStoreConfigurationException>().WithMessage("*port '99999'*");
    }

    [Fact]
    public void The_description_names_hosts_and_database_but_no_credentials()
    {
        using var store = new MongoProjectionStore(new MongoProjectionStoreOptions { ConnectionString = "mongodb://app:hunter2@db1:27017/plant" });

        store.Description.Should().Be("MongoDB db1:27017/plant");
    }

    [Fact]
    public async Task A_state_mongo_cannot_hold_is_reported_naming_the_aggregate_before_the_server_is_asked()
    {
        using var store = new MongoProjectionStore(new MongoProjectionStoreOptions
        {
            ConnectionString = $"mongodb://127.0.0.1:{LoopbackPort.Unused()}/?directConnection=true",
            ServerSelectionTimeout = TimeSpan.FromMilliseconds(300),
        });
        var batch = new ProjectionBatch("plant-items", 1,
            [TestData.Document("item-1", "{}"), TestData.Document("item-2", """{"$where":"x"}""")], [],
            new ProjectionCheckpoint(Core.Events.GlobalPosition.Of(5), null));

        var act = () => store.WriteBatch(batch, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Key.Should().Be("item-2");
    }
}
