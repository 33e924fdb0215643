using System.Net;
using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class ErrorClassificationTests
{
    internal static readonly ConnectionId Connection = new(new ServerId(new ClusterId(1), new DnsEndPoint("db1", 27017)));

    internal static MongoCommandException CommandError(int code, string name) =>
        new(Connection, $"Command failed: {name}", new BsonDocument("insert", "x"), new BsonDocument { { "ok", 0 }, { "code", code }, { "codeName", name } });

    [Theory]
    [InlineData(10107, "NotWritablePrimary")]
    [InlineData(11602, "InterruptedDueToReplStateChange")]
    [InlineData(91, "ShutdownInProgress")]
    [InlineData(64, "WriteConcernFailed")]
    [InlineData(112, "WriteConflict")]
    [InlineData(89, "NetworkTimeout")]
    public void Elections_restarts_timeouts_and_upsert_races_are_transient(int code, string name)
    {
        MongoErrorClassifier.IsTransient(CommandError(code, name)).Should().BeTrue();
    }

    [Theory]
    [InlineData(121, "DocumentValidationFailure")]
    [InlineData(10334, "BSONObjectTooLarge")]
    [InlineData(13, "Unauthorized")]
    [InlineData(2, "BadValue")]
    [InlineData(11000, "DuplicateKey")]
    public void Validation_size_and_permission_errors_are_not_transient(int code, string name)
    {
        MongoErrorClassifier.IsTransient(CommandError(code, name)).Should().BeFalse();
    }

    [Fact]
    public void Network_failures_and_server_selection_timeouts_are_transient_but_bad_credentials_are_not()
    {
        MongoErrorClassifier.IsTransient(new MongoConnectionException(Connection, "connection reset")).Should().BeTrue();
        MongoErrorClassifier.IsTransient(new TimeoutException("A timeout occurred after 10000ms selecting a server")).Should().BeTrue();
        MongoErrorClassifier.IsTransient(new MongoNotPrimaryException(Connection, new BsonDocument("insert", "x"), new BsonDocument { { "ok", 0 }, { "code", 10107 } })).Should().BeTrue();
        MongoErrorClassifier.IsTransient(new MongoAuthenticationException(Connection, "Authentication failed")).Should().BeFalse();
        MongoErrorClassifier.IsTransient(new InvalidOperationException("bug")).Should().BeFalse();
    }

    [Fact]
    public void A_labelled_transient_transaction_error_is_transient_whatever_its_code()
    {
        var error = CommandError(251, "NoSuchTransaction");
        var unknown = CommandError(999999, "SomethingNew");
        unknown.AddErrorLabel("TransientTransactionError");

        MongoErrorClassifier.IsTransient(error).Should().BeTrue();
        MongoErrorClassifier.IsTransient(unknown).Should().BeTrue();
    }

    /// <summary>How the driver's CommandWireProtocol builds the exception for <c>{ ok: 1, writeConcernError }</c>.</summary>
    internal static MongoWriteConcernException WriteConcernError(int code, string name, params string[] labels)
    {
        var error = new BsonDocument { { "code", code }, { "codeName", name }, { "errmsg", name } };
        if (labels.Length > 0) error.Add("errorLabels", new BsonArray(labels));
        var reply = new BsonDocument { { "ok", 1 }, { "writeConcernError", error } };
        return new MongoWriteConcernException(Connection, name, new WriteConcernResult(reply));
    }

    [Fact]
    public void A_write_concern_timeout_reported_beside_ok_1_is_transient_though_the_exception_code_is_minus_one()
    {
        var timeout = WriteConcernError(64, "WriteConcernFailed");

        timeout.Code.Should().Be(-1, "the driver reads the top-level code");
        MongoErrorClassifier.IsTransient(timeout).Should().BeTrue();
        MongoErrorClassifier.IsTransient(WriteConcernError(100, "UnsatisfiableWriteConcern")).Should().BeFalse();
    }

    [Fact]
    public void An_unknown_commit_result_is_transient()
    {
        var commit = WriteConcernError(100, "UnsatisfiableWriteConcern");
        commit.AddErrorLabel("UnknownTransactionCommitResult");

        MongoErrorClassifier.IsTransient(commit).Should().BeTrue();
    }
}
