using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Projections.Core.Runtime;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Projections.Hosting.Web;

/// <summary>
/// Server-Sent Events for one entity: its current state on connect, then its state after each change
/// (kind applied, timedOut or persisted), with comment heartbeats while idle. The engine's callback only
/// queues the change; reading and writing happen on the request's own task.
/// </summary>
internal static class EntityStreamEndpoint
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/projections/{name}/entities/{key}/stream", Stream);

    private static async Task Stream(string name, string key, HttpContext http, IProjectionCatalog catalog,
        IOptions<WebOptions> options, IOptions<HttpJsonOptions> json, IHostApplicationLifetime lifetime)
    {
        if (catalog.Find(name) is not { } runtime)
        {
            await ApiErrors.UnknownProjection(catalog, name).ExecuteAsync(http);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var changes = Channel.CreateBounded<EntityChange>(new BoundedChannelOptions(64)
        {
            FullMode = BoundedChannelFullMode.DropOldest, // each message carries the whole current state, so the latest change suffices
            SingleReader = true,
        });
        // Subscribe before the first read so no change between the two is missed.
        using var subscription = runtime.SubscribeChanges(key, change => changes.Writer.TryWrite(change));

        var initial = await EntityEndpoints.ReadCurrent(runtime, key, stop.Token);
        if (initial is null)
        {
            await ApiErrors.UnknownEntity(runtime, key).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        // One message is one data line, so the JSON must not be indented whatever the host configured.
        var serializer = new JsonSerializerOptions(json.Value.SerializerOptions) { WriteIndented = false };
        try
        {
            await Send(http.Response, new EntityStreamMessage("snapshot", initial), serializer, stop.Token);
            while (true)
            {
                if (!await WaitForChange(changes.Reader, options.Value.HeartbeatInterval, stop.Token))
                {
                    await http.Response.WriteAsync(": heartbeat\n\n", stop.Token);
                    await http.Response.Body.FlushAsync(stop.Token);
                    continue;
                }
                var kind = Drain(changes.Reader);
                var current = await EntityEndpoints.ReadCurrent(runtime, key, stop.Token);
                if (current is not null)
                    await Send(http.Response, new EntityStreamMessage(kind, current), serializer, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the host is stopping; disposing the subscription is the cleanup.
        }
    }

    /// <summary>True when a change is waiting; false when the heartbeat interval passed first.</summary>
    private static async Task<bool> WaitForChange(ChannelReader<EntityChange> reader, TimeSpan heartbeat, CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        idle.CancelAfter(heartbeat);
        try
        {
            return await reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Takes every queued change; a timeout among them wins so the page can say the entity timed out.</summary>
    private static string Drain(ChannelReader<EntityChange> reader)
    {
        var kind = EntityChangeKind.Persisted;
        var any = false;
        while (reader.TryRead(out var change))
        {
            if (!any || change.Kind == EntityChangeKind.TimedOut || kind == EntityChangeKind.Persisted) kind = change.Kind;
            any = true;
        }
        return Json.CamelCase(kind.ToString());
    }

    private static async Task Send(HttpResponse response, EntityStreamMessage message, JsonSerializerOptions serializer, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(message, serializer);
        await response.WriteAsync($"event: entity\ndata: {payload}\n\n", Encoding.UTF8, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
