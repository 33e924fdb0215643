using FluentAssertions;
using MongoDB.Bson;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class TransactionSupportTests
{
    [Fact]
    public void Replica_set_members_with_sessions_support_transactions()
    {
        var hello = BsonDocument.Parse("""{ "isWritablePrimary": true, "setName": "rs0", "logicalSessionTimeoutMinutes": 30, "maxWireVersion": 17 }""");

        TransactionSupport.FromHello(hello).Should().BeTrue();
        TransactionSupport.Describe(hello).Should().Be("replica set 'rs0'");
    }

    [Fact]
    public void Mongos_from_4_2_supports_transactions()
    {
        TransactionSupport.FromHello(BsonDocument.Parse("""{ "msg": "isdbgrid", "logicalSessionTimeoutMinutes": 30, "maxWireVersion": 8 }""")).Should().BeTrue();
        TransactionSupport.FromHello(BsonDocument.Parse("""{ "msg": "isdbgrid", "logicalSessionTimeoutMinutes": 30, "maxWireVersion": 7 }""")).Should().BeFalse();
    }

    [Theory]
    [InlineData("""{ "isWritablePrimary": true, "maxWireVersion": 17 }""")]
    [InlineData("""{ "isWritablePrimary": true, "logicalSessionTimeoutMinutes": 30, "maxWireVersion": 17 }""")]
    [InlineData("""{ "setName": "rs0", "maxWireVersion": 17 }""")]
    [InlineData("""{ "setName": "rs0", "logicalSessionTimeoutMinutes": null, "maxWireVersion": 17 }""")]
    [InlineData("""{ "setName": "rs0", "logicalSessionTimeoutMinutes": 30, "maxWireVersion": 6 }""")]
    public void Standalone_servers_and_servers_without_sessions_are_detected_as_without_transactions(string hello)
    {
        TransactionSupport.FromHello(BsonDocument.Parse(hello)).Should().BeFalse();
    }
}
