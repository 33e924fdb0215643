using System.Text.Json;
using Microsoft.Extensions.Options;
using Projections.Core.Runtime;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Projections.Hosting.Web;

/// <summary>The entity feeds with at least one stream: the first stream on an entity starts its feed, the last one stops it.</summary>
internal sealed class EntityFeeds(IOptions<HttpJsonOptions> json)
{
    // One message is one data line, so the JSON must not be indented whatever the host configured.
    private readonly JsonSerializerOptions _serializer = new(json.Value.SerializerOptions) { WriteIndented = false };
    private readonly Lock _gate = new();
    private readonly Dictionary<(IProjectionRuntime Runtime, string Key), EntityFeed> _feeds = [];

    /// <summary>Feeds running now (one per watched entity).</summary>
    public int Count { get { lock (_gate) return _feeds.Count; } }

    /// <summary>Joins <paramref name="outbox"/> to the entity's feed; dispose the result to leave it.</summary>
    public Attachment Attach(IProjectionRuntime runtime, string key, StreamOutbox outbox)
    {
        lock (_gate)
        {
            if (!_feeds.TryGetValue((runtime, key), out var feed) || feed.Ended)
            {
                feed?.Dispose();
                _feeds[(runtime, key)] = feed = new EntityFeed(runtime, key, _serializer);
            }
            feed.Add(outbox);
            return new Attachment(this, runtime, key, feed, outbox);
        }
    }

    private void Detach(IProjectionRuntime runtime, string key, EntityFeed feed, StreamOutbox outbox)
    {
        lock (_gate)
        {
            if (feed.Remove(outbox) > 0) return;
            if (_feeds.TryGetValue((runtime, key), out var current) && current == feed) _feeds.Remove((runtime, key));
            feed.Dispose();
        }
    }

    public sealed class Attachment(EntityFeeds feeds, IProjectionRuntime runtime, string key, EntityFeed feed, StreamOutbox outbox) : IDisposable
    {
        private int _disposed;

        public EntityFeed Feed => feed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) feeds.Detach(runtime, key, feed, outbox);
        }
    }
}
