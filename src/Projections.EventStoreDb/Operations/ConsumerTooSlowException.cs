using Grpc.Core;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// EventStoreDB keeps a short queue of live events per subscription (32 in 23.10) and ends the subscription when the
/// client falls that far behind, with Aborted "Operation timed out: Consumer too slow to handle event while live.
/// Client resubscription required." (its RpcExceptions.Timeout). The connection is fine and so is the server: the subscription catches up again from
/// where it was, at once, without resetting the channel or waiting out a reconnect backoff.
/// </summary>
internal sealed class ConsumerTooSlowException(string detail, Exception inner) : Exception($"EventStoreDB dropped the $all subscription: {detail}", inner)
{
    public static bool Matches(RpcException ex) =>
        ex.StatusCode is StatusCode.Aborted or StatusCode.DeadlineExceeded
        && ex.Status.Detail.Contains("Consumer too slow", StringComparison.OrdinalIgnoreCase);
}
