using System.Net;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// The request body of a long-lived duplex gRPC call: HTTP/2 hands over the body stream when the call
/// starts, the writer writes framed messages to it whenever it has some, and the body ends only when
/// <see cref="Complete"/> is called (a 23.10 server ends a BatchAppend call as soon as its requests end).
/// </summary>
internal sealed class DuplexContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexContent() => Headers.TryAddWithoutValidation("Content-Type", "application/grpc");

    /// <summary>The body stream once the call started; canceled if the call ended before that.</summary>
    public Task<Stream> Stream => _stream.Task;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _stream.TrySetResult(stream);
        return _done.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    public void Complete()
    {
        _stream.TrySetCanceled();
        _done.TrySetResult();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Complete();
        base.Dispose(disposing);
    }
}
