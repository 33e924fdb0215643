using System.Net;
using FluentAssertions;
using Grpc.Core;
using Projections.Core.Events;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol;

namespace Projections.EventStoreDb.Tests.Unit;

/// <summary>
/// The BatchAppend call reads a call's outcome from the HTTP/2 response itself; it must come out as the
/// RpcException Grpc.Net.Client would have thrown, so the one error mapping (not-leader, retries) applies.
/// </summary>
public sealed class GrpcStatusReaderTests
{
    private static HttpResponseMessage Response(HttpStatusCode status = HttpStatusCode.OK) => new(status) { Version = HttpVersion.Version20 };

    [Fact]
    public void A_not_leader_trailer_maps_to_the_leader_the_server_named()
    {
        using var response = Response();
        response.TrailingHeaders.Add("grpc-status", "5");
        response.TrailingHeaders.Add("grpc-message", "Leader%20info%20available");
        response.TrailingHeaders.Add("exception", "not-leader");
        response.TrailingHeaders.Add("leader-endpoint-host", "10.0.0.7");
        response.TrailingHeaders.Add("leader-endpoint-port", "2113");

        var failure = GrpcStatusReader.FromTrailers(response);

        failure!.StatusCode.Should().Be(StatusCode.NotFound);
        failure.Status.Detail.Should().Be("Leader info available");
        var notLeader = RpcErrorMapper.Map(failure, "batch append").Should().BeOfType<NotLeaderException>().Subject;
        (notLeader.LeaderHost, notLeader.LeaderPort).Should().Be(("10.0.0.7", 2113));
    }

    [Fact]
    public void A_call_that_ended_with_ok_is_no_failure_and_one_without_a_status_is_one()
    {
        using var ok = Response();
        ok.TrailingHeaders.Add("grpc-status", "0");
        using var none = Response();

        GrpcStatusReader.FromTrailers(ok).Should().BeNull();
        GrpcStatusReader.FromTrailers(none)!.StatusCode.Should().Be(StatusCode.Cancelled);
    }

    [Fact]
    public void A_trailers_only_refusal_is_read_from_the_headers_and_is_transient()
    {
        using var response = Response();
        response.Headers.Add("grpc-status", "14");
        response.Headers.Add("grpc-message", "Server Is Not Ready");

        var failure = GrpcStatusReader.FromHeaders(response);

        failure!.StatusCode.Should().Be(StatusCode.Unavailable);
        failure.Status.Detail.Should().Be("Server Is Not Ready");
        RpcErrorMapper.Map(failure, "batch append").Should().BeOfType<EventStoreUnavailableException>();
    }

    [Fact]
    public void Headers_without_a_status_let_the_messages_follow_and_an_http_error_is_a_grpc_one()
    {
        using var streaming = Response();
        using var unavailable = Response(HttpStatusCode.ServiceUnavailable);

        GrpcStatusReader.FromHeaders(streaming).Should().BeNull();
        GrpcStatusReader.FromHeaders(unavailable)!.StatusCode.Should().Be(StatusCode.Unavailable);
    }
}
