using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Projections.EventStoreDb.Protocol;

/// <summary>
/// The outcome of a gRPC call read from its HTTP/2 response: the HTTP status, then <c>grpc-status</c>
/// and <c>grpc-message</c> in the trailers (or in the headers of a trailers-only response). A failure
/// becomes the <see cref="RpcException"/> Grpc.Net.Client would throw, with every other header and
/// trailer as its metadata, so the same error mapping applies.
/// </summary>
internal static class GrpcStatusReader
{
    /// <summary>A failed status from the response headers (non-200, or trailers-only), or null when messages follow.</summary>
    public static RpcException? FromHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
            return new RpcException(new Status(FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}"));
        var status = Read(response.Headers);
        return status is { } s && s.StatusCode != StatusCode.OK ? new RpcException(s, ToMetadata(response.Headers)) : null;
    }

    /// <summary>The failure the trailers report after the last message, or null when the call ended with OK.</summary>
    public static RpcException? FromTrailers(HttpResponseMessage response)
    {
        var status = Read(response.TrailingHeaders) ?? Read(response.Headers)
            ?? new Status(StatusCode.Cancelled, "No grpc-status found on response.");
        return status.StatusCode == StatusCode.OK ? null : new RpcException(status, ToMetadata(response.TrailingHeaders));
    }

    private static Status? Read(HttpHeaders headers)
    {
        if (!headers.TryGetValues("grpc-status", out var codes)) return null;
        var code = int.TryParse(codes.FirstOrDefault(), CultureInfo.InvariantCulture, out var c) ? (StatusCode)c : StatusCode.Unknown;
        var message = headers.TryGetValues("grpc-message", out var messages) ? Uri.UnescapeDataString(messages.FirstOrDefault() ?? "") : "";
        return new Status(code, message);
    }

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || key.EndsWith("-bin", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in values) metadata.Add(key.ToLowerInvariant(), value);
        }
        return metadata;
    }

    // https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md
    private static StatusCode FromHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
