using System.Threading.Channels;

namespace Projections.Hosting.Web;

/// <summary>
/// The messages waiting for one live stream's writer, bounded in bytes. A stream whose client stopped
/// reading falls behind; past the bound it is cut off (<c>onOverflow</c>) rather than buffered without
/// limit, and the feed that posts to it never waits for it.
/// </summary>
internal sealed class StreamOutbox(long maxBytes, Action onOverflow)
{
    private readonly Channel<FeedMessage> _messages = Channel.CreateUnbounded<FeedMessage>(); // not SingleReader: that one cannot count
    private long _bytes;
    private int _overflowed;

    public ChannelReader<FeedMessage> Reader => _messages.Reader;

    /// <summary>True once the stream fell further behind than the bound and was cut off.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    /// <summary>Queues a message; one message always fits however large, so a big state alone never cuts a stream.</summary>
    public void Post(FeedMessage message)
    {
        var queued = Interlocked.Add(ref _bytes, message.Bytes.Length);
        if (queued > maxBytes && queued != message.Bytes.Length)
        {
            if (Interlocked.Exchange(ref _overflowed, 1) == 0)
            {
                _messages.Writer.TryComplete();
                onOverflow();
            }
            return;
        }
        _messages.Writer.TryWrite(message);
    }

    /// <summary>The writer took <paramref name="message"/>: its bytes no longer count against the bound.</summary>
    public void Taken(FeedMessage message) => Interlocked.Add(ref _bytes, -message.Bytes.Length);

    /// <summary>No more messages will come (the feed failed or stopped); the writer ends the stream.</summary>
    public void Complete() => _messages.Writer.TryComplete();
}
