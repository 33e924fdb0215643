using FluentAssertions;
using Grpc.Core;
using Projections.EventStoreDb.Operations;
using Xunit;

namespace Projections.EventStoreDb.Tests.Unit;

/// <summary>The server's drop of a subscription that fell behind its live queue, as 23.10 sends it (RpcExceptions.Timeout: Aborted, "Operation timed out: ...").</summary>
public class ConsumerTooSlowTests
{
    private static RpcException Server(StatusCode code, string detail) => new(new Status(code, detail));

    [Theory]
    [InlineData("Operation timed out: Consumer too slow to handle event while live. Client resubscription required.")]
    [InlineData("Operation timed out: Consumer too slow to handle event while transitioning to live. Client resubscription required.")]
    public void The_server_s_drop_for_a_slow_consumer_is_recognised(string detail) =>
        ConsumerTooSlowException.Matches(Server(StatusCode.Aborted, detail)).Should().BeTrue();

    [Theory]
    [InlineData(StatusCode.DeadlineExceeded, "Deadline Exceeded")]
    [InlineData(StatusCode.Aborted, "Operation timed out: the write did not complete in time")]
    [InlineData(StatusCode.Unavailable, "Consumer too slow to handle event while live. Client resubscription required.")]
    [InlineData(StatusCode.Aborted, "Server Is Not Ready")]
    public void Other_failures_stay_outages(StatusCode code, string detail) =>
        ConsumerTooSlowException.Matches(Server(code, detail)).Should().BeFalse();
}
