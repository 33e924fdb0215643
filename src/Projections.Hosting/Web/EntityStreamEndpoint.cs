using Microsoft.Extensions.Options;

namespace Projections.Hosting.Web;

/// <summary>
/// Server-Sent Events for one entity: its current state on connect, then its state after each change
/// (kind applied, timedOut or persisted), with comment heartbeats while idle. Streams are capped in all
/// and per client address (<see cref="LiveStreamGate"/>); the entity's <see cref="EntityFeed"/> reads
/// and serializes each change once for all its streams; a stream whose client stops reading is dropped
/// when a write stays blocked or its outbox overflows, so it costs neither unbounded memory nor the engine.
/// </summary>
internal static class EntityStreamEndpoint
{
    public static void Map(RouteGroupBuilder api)
    {
        EntityRoutes.Map(api, "/stream", (name, key, http) => Stream(name, key, http, http.RequestServices));
    }

    private static Task Stream(string name, string key, HttpContext http, IServiceProvider services) =>
        Stream(name, key, http, services.GetRequiredService<IProjectionCatalog>(), services.GetRequiredService<LiveStreamGate>(),
            services.GetRequiredService<EntityFeeds>(), services.GetRequiredService<IOptions<WebOptions>>(),
            services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<ILoggerFactory>());

    private static async Task Stream(string name, string key, HttpContext http, IProjectionCatalog catalog, LiveStreamGate gate,
        EntityFeeds feeds, IOptions<WebOptions> options, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (catalog.Find(name) is not { } runtime)
        {
            await ApiErrors.UnknownProjection(catalog, name).ExecuteAsync(http);
            return;
        }
        using var lease = gate.TryEnter(http.Connection.RemoteIpAddress, out var refusal);
        if (lease is null)
        {
            http.Response.Headers.RetryAfter = "10";
            await ApiErrors.TooManyStreams(refusal!).ExecuteAsync(http);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var limits = options.Value;
        var log = loggers.CreateLogger(typeof(EntityStreamEndpoint).FullName!);
        var outbox = new StreamOutbox(limits.LiveStreamBufferBytes, () =>
        {
            log.LogWarning("Dropped the live stream of {Projection}/{Key} to {Client}: it fell more than {Bytes} bytes behind",
                name, key, http.Connection.RemoteIpAddress, limits.LiveStreamBufferBytes);
            http.Abort();
        });
        // Join the feed before the first read so no change between the two is missed.
        using var attachment = feeds.Attach(runtime, key, outbox);

        var initial = await EntityEndpoints.ReadCurrent(runtime, key, stop.Token);
        if (initial is null)
        {
            await ApiErrors.UnknownEntity(runtime, key).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            var sent = attachment.Feed.Message("snapshot", initial);
            // Changes queued before the snapshot was read may show an older state than the snapshot.
            var queuedBeforeSnapshot = outbox.Reader.Count;
            await Write(http.Response, sent.Bytes, limits.LiveStreamWriteTimeout, stop.Token);
            while (true)
            {
                if (await Next(outbox, limits.HeartbeatInterval, stop.Token) is not { } next)
                {
                    if (outbox.Reader.Completion.IsCompleted) return;
                    await Write(http.Response, FeedMessage.Heartbeat, limits.LiveStreamWriteTimeout, stop.Token);
                    continue;
                }
                if (queuedBeforeSnapshot-- > 0 && next.IsOlderThan(sent)) continue;
                await Write(http.Response, next.Bytes, limits.LiveStreamWriteTimeout, stop.Token);
                sent = next;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away, the stream was cut off, or the host is stopping; leaving the feed is the cleanup.
        }
        catch (StreamStalledException)
        {
            log.LogWarning("Dropped the live stream of {Projection}/{Key} to {Client}: a write stayed blocked for {Timeout}",
                name, key, http.Connection.RemoteIpAddress, limits.LiveStreamWriteTimeout);
            http.Abort();
        }
    }

    /// <summary>The next message; null when the heartbeat interval passed first or the feed ended.</summary>
    private static async Task<FeedMessage?> Next(StreamOutbox outbox, TimeSpan heartbeat, CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        idle.CancelAfter(heartbeat);
        try
        {
            if (!await outbox.Reader.WaitToReadAsync(idle.Token) || !outbox.Reader.TryRead(out var message)) return null;
            outbox.Taken(message);
            return message;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Writes and flushes; a write still blocked after <paramref name="timeout"/> means the client stopped reading.</summary>
    private static async Task Write(HttpResponse response, ReadOnlyMemory<byte> bytes, TimeSpan timeout, CancellationToken stop)
    {
        using var blocked = CancellationTokenSource.CreateLinkedTokenSource(stop);
        blocked.CancelAfter(timeout);
        try
        {
            await response.Body.WriteAsync(bytes, blocked.Token);
            await response.Body.FlushAsync(blocked.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new StreamStalledException();
        }
    }

    private sealed class StreamStalledException : Exception;
}
