using System.Globalization;
using Grpc.Core;
using Projections.Core.Events;

namespace Projections.EventStoreDb.Errors;

/// <summary>
/// Turns gRPC failures into the Core's event-store exceptions. The server names most errors in the
/// <c>exception</c> trailer; the status code decides what is left.
/// </summary>
internal static class RpcErrorMapper
{
    public static Exception Map(RpcException ex, string operation, string? streamId = null, ExpectedRevision? expected = null)
    {
        var trailers = ex.Trailers;
        var stream = Trailer(trailers, "stream-name") ?? streamId ?? "$all";
        switch (Trailer(trailers, "exception"))
        {
            case "access-denied":
                return new AccessDeniedException($"EventStoreDB denied access to {operation} on '{stream}'.");
            case "stream-deleted":
                return new StreamDeletedException(stream);
            case "wrong-expected-version":
                return new WrongExpectedVersionException(stream, expected ?? ExpectedRevision.Any, ParseRevision(Trailer(trailers, "actual-version")));
            case "not-leader":
                var host = Trailer(trailers, "leader-endpoint-host");
                var port = int.TryParse(Trailer(trailers, "leader-endpoint-port"), CultureInfo.InvariantCulture, out var p) ? p : (int?)null;
                return new NotLeaderException($"EventStoreDB node is not the leader for {operation}; the leader is {host ?? "unknown"}:{port?.ToString(CultureInfo.InvariantCulture) ?? "?"}.", host, port);
            case "maximum-append-size-exceeded":
                var max = long.TryParse(Trailer(trailers, "maximum-append-size"), CultureInfo.InvariantCulture, out var m) ? m : (long?)null;
                return new MaximumAppendSizeExceededException(stream, max, $"Append to stream '{stream}' exceeds the server's maximum append size{(max is null ? "" : $" of {max} bytes")}.");
            case "maximum-append-event-size-exceeded":
                var maxEvent = long.TryParse(Trailer(trailers, "maximum-append-event-size"), CultureInfo.InvariantCulture, out var me) ? me : (long?)null;
                return new MaximumAppendSizeExceededException(stream, maxEvent, $"Event {Trailer(trailers, "event-id")} appended to stream '{stream}' exceeds the server's maximum event size{(maxEvent is null ? "" : $" of {maxEvent} bytes")}.");
            case "missing-required-metadata-property":
                return new EventStoreException($"Append to stream '{stream}' was rejected: missing required metadata ({Trailer(trailers, "required-metadata-properties")}).", ex);
        }

        var where = $"EventStoreDB {operation}{(streamId is null ? "" : $" on '{streamId}'")}";
        return ex.StatusCode switch
        {
            StatusCode.PermissionDenied => new AccessDeniedException($"{where}: access denied ({ex.Status.Detail})."),
            StatusCode.Unauthenticated => new NotAuthenticatedException($"{where}: the server did not accept the credentials in the connection string ({ex.Status.Detail})."),
            _ when IsTransient(ex) => new EventStoreUnavailableException($"{where} failed transiently: {ex.StatusCode} {ex.Status.Detail}", ex),
            _ => new EventStoreException($"{where} failed: {ex.StatusCode} {ex.Status.Detail}", ex),
        };
    }

    /// <summary>Failures worth retrying after a reconnect: the node went away, restarted, was busy or timed out.</summary>
    public static bool IsTransient(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Internal
            or StatusCode.Cancelled or StatusCode.ResourceExhausted => true,
        // "No leader info available in response": an election is in progress.
        StatusCode.Unknown => ex.Status.Detail.Contains("leader", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public static bool IsNotLeader(RpcException ex) => Trailer(ex.Trailers, "exception") == "not-leader";

    private static ulong? ParseRevision(string? text) =>
        ulong.TryParse(text, CultureInfo.InvariantCulture, out var r) ? r : null;

    private static string? Trailer(Metadata trailers, string key)
    {
        foreach (var entry in trailers)
            if (!entry.IsBinary && string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
                return entry.Value;
        return null;
    }
}
