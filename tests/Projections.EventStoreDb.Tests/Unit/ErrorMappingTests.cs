using FluentAssertions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Projections.Core.Events;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol.Rpc;
using Projections.EventStoreDb.Protocol.Shared;
using RpcStatus = Grpc.Core.Status;
using WireStatus = Projections.EventStoreDb.Protocol.Rpc.Status;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class ErrorMappingTests
{
    private static RpcException Rpc(StatusCode code, string detail, params (string Key, string Value)[] trailers)
    {
        var metadata = new Metadata();
        foreach (var (key, value) in trailers) metadata.Add(key, value);
        return new RpcException(new RpcStatus(code, detail), metadata);
    }

    [Fact]
    public void Stream_deleted_trailer_names_the_stream()
    {
        var mapped = RpcErrorMapper.Map(Rpc(StatusCode.FailedPrecondition, "", ("exception", "stream-deleted"), ("stream-name", "item-1")), "append");

        mapped.Should().BeOfType<StreamDeletedException>().Which.StreamId.Should().Be("item-1");
    }

    [Fact]
    public void Wrong_expected_version_trailers_carry_the_actual_revision()
    {
        var mapped = RpcErrorMapper.Map(
            Rpc(StatusCode.FailedPrecondition, "", ("exception", "wrong-expected-version"), ("stream-name", "item-1"), ("expected-version", "3"), ("actual-version", "7")),
            "delete", "item-1", ExpectedRevision.Exact(3));

        var wev = mapped.Should().BeOfType<WrongExpectedVersionException>().Subject;
        wev.ActualRevision.Should().Be(7);
        wev.Expected.Should().Be(ExpectedRevision.Exact(3));
    }

    [Fact]
    public void Access_denied_and_bad_credentials_are_distinct_and_not_transient()
    {
        RpcErrorMapper.Map(Rpc(StatusCode.PermissionDenied, "Access Denied", ("exception", "access-denied")), "read", "$all")
            .Should().BeOfType<AccessDeniedException>().Which.Message.Should().Contain("$all");
        RpcErrorMapper.Map(Rpc(StatusCode.Unauthenticated, "Bad credentials"), "read")
            .Should().BeOfType<NotAuthenticatedException>().Which.Message.Should().Contain("credentials");
    }

    [Fact]
    public void Not_leader_carries_the_leader_endpoint()
    {
        var mapped = RpcErrorMapper.Map(
            Rpc(StatusCode.NotFound, "Leader info available", ("exception", "not-leader"), ("leader-endpoint-host", "node2"), ("leader-endpoint-port", "2114")),
            "append");

        var notLeader = mapped.Should().BeOfType<NotLeaderException>().Subject;
        notLeader.LeaderHost.Should().Be("node2");
        notLeader.LeaderPort.Should().Be(2114);
        notLeader.Message.Should().Contain("node2:2114");
    }

    [Fact]
    public void Maximum_append_size_names_the_limit()
    {
        var mapped = RpcErrorMapper.Map(
            Rpc(StatusCode.InvalidArgument, "", ("exception", "maximum-append-size-exceeded"), ("maximum-append-size", "1048576")),
            "append", "item-1");

        var tooBig = mapped.Should().BeOfType<MaximumAppendSizeExceededException>().Subject;
        tooBig.MaximumBytes.Should().Be(1048576);
        tooBig.Message.Should().Contain("item-1").And.Contain("1048576");
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, "Server Is Not Ready")]
    [InlineData(StatusCode.DeadlineExceeded, "Deadline Exceeded")]
    [InlineData(StatusCode.Aborted, "Operation timed out: Consumer too slow to handle event while live.")]
    [InlineData(StatusCode.Unknown, "No leader info available in response")]
    public void Transient_failures_become_unavailable(StatusCode code, string detail)
    {
        RpcErrorMapper.Map(Rpc(code, detail), "read").Should().BeOfType<EventStoreUnavailableException>()
            .Which.Message.Should().Contain(detail);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "The combination of (...) is invalid.")]
    [InlineData(StatusCode.Unknown, "Exception was thrown by handler.")]
    public void Permanent_failures_are_not_retried(StatusCode code, string detail)
    {
        var ex = Rpc(code, detail);

        RpcErrorMapper.IsTransient(ex).Should().BeFalse();
        RpcErrorMapper.Map(ex, "read").Should().NotBeOfType<EventStoreUnavailableException>()
            .And.BeAssignableTo<EventStoreException>().Which.Message.Should().Contain(detail);
    }

    [Fact]
    public void Batch_append_wrong_expected_version_detail_is_unpacked()
    {
        var status = new WireStatus
        {
            Code = Code.AlreadyExists,
            Message = "WrongExpectedVersion",
            Details = Any.Pack(new WrongExpectedVersion { CurrentStreamRevision = 4, ExpectedStreamPosition = 2 }),
        };

        var wev = BatchAppendErrorMapper.Map(status, "item-9", ExpectedRevision.Exact(2)).Should().BeOfType<WrongExpectedVersionException>().Subject;
        wev.StreamId.Should().Be("item-9");
        wev.ActualRevision.Should().Be(4);
    }

    [Fact]
    public void Batch_append_detail_type_urls_use_the_servers_package()
    {
        Any.Pack(new WrongExpectedVersion()).TypeUrl.Should().Be("type.googleapis.com/event_store.client.WrongExpectedVersion");
    }

    [Fact]
    public void Batch_append_other_details_map_to_their_exceptions()
    {
        BatchAppendErrorMapper.Map(new WireStatus { Code = Code.NotFound, Details = Any.Pack(new StreamDeleted()) }, "s", ExpectedRevision.Any)
            .Should().BeOfType<StreamDeletedException>();
        BatchAppendErrorMapper.Map(new WireStatus { Code = Code.PermissionDenied, Details = Any.Pack(new AccessDenied()) }, "s", ExpectedRevision.Any)
            .Should().BeOfType<AccessDeniedException>();
        BatchAppendErrorMapper.Map(new WireStatus { Code = Code.DeadlineExceeded, Details = Any.Pack(new Protocol.Shared.Timeout()) }, "s", ExpectedRevision.Any)
            .Should().BeOfType<EventStoreUnavailableException>().Which.Message.Should().Contain("outcome is unknown");
        BatchAppendErrorMapper.Map(new WireStatus { Code = Code.InvalidArgument, Details = Any.Pack(new MaximumAppendSizeExceeded { MaxAppendSize = 1024 }) }, "s", ExpectedRevision.Any)
            .Should().BeOfType<MaximumAppendSizeExceededException>().Which.MaximumBytes.Should().Be(1024);
        BatchAppendErrorMapper.Map(new WireStatus { Code = Code.InvalidArgument, Details = Any.Pack(new BadRequest { Message = "missing type" }) }, "s", ExpectedRevision.Any)
            .Message.Should().Contain("missing type");
    }

    [Fact]
    public void Batch_append_error_with_code_zero_is_still_a_failure()
    {
        var mapped = BatchAppendErrorMapper.Map(new WireStatus { Code = Code.Ok, Message = "Server Is Not Ready", Details = Any.Pack(new Google.Protobuf.WellKnownTypes.Empty()) }, "s", ExpectedRevision.Any);

        mapped.Should().BeOfType<EventStoreUnavailableException>().Which.Message.Should().Contain("Server Is Not Ready");
        BatchAppendErrorMapper.NothingWritten(mapped).Should().BeTrue("nothing was written, so it is safe to send again");
    }

    [Fact]
    public void Batch_append_timeout_is_transient_but_of_unknown_outcome()
    {
        var mapped = BatchAppendErrorMapper.Map(new WireStatus { Code = Code.DeadlineExceeded, Details = Any.Pack(new Protocol.Shared.Timeout()) }, "s", ExpectedRevision.Any);

        BatchAppendErrorMapper.NothingWritten(mapped).Should().BeFalse();
    }
}

public sealed class NotDeliveredTests
{
    [Fact]
    public void Refused_connections_and_not_ready_answers_are_known_not_to_have_written()
    {
        var refused = new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error connecting to subchannel.",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));

        Connection.EventStoreDbConnection.NotDelivered(refused).Should().BeTrue();
        Connection.EventStoreDbConnection.NotDelivered(new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Server Is Not Ready"))).Should().BeTrue();
        Connection.EventStoreDbConnection.NotDelivered(new EventStoreUnavailableException("wrapped", refused)).Should().BeTrue();
    }

    [Fact]
    public void A_call_that_failed_after_reaching_the_server_may_have_written()
    {
        Connection.EventStoreDbConnection.NotDelivered(new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error reading next message. IOException: The request was aborted.")))
            .Should().BeFalse();
        Connection.EventStoreDbConnection.NotDelivered(new RpcException(new Grpc.Core.Status(StatusCode.Aborted, "Operation timed out"))).Should().BeFalse();
    }
}
