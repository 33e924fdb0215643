using System.Text.Json;
using System.Threading.Channels;
using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>
/// The changes of one entity for all the streams that watch it: one engine subscription, and for each
/// change one read of the current state and one serialization, posted to every stream's outbox. The
/// engine's callback only queues the change; the read and the fan-out run on the feed's own task, and
/// posting never waits for a stream.
/// </summary>
internal sealed class EntityFeed : IDisposable
{
    private readonly IProjectionRuntime _runtime;
    private readonly string _key;
    private readonly JsonSerializerOptions _serializer;
    private readonly Channel<EntityChangeKind> _changes = Channel.CreateBounded<EntityChangeKind>(new BoundedChannelOptions(64)
    {
        FullMode = BoundedChannelFullMode.DropOldest, // each message carries the whole current state, so the latest change suffices
        SingleReader = true,
    });
    private readonly Lock _gate = new();
    private readonly List<StreamOutbox> _outboxes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;

    public EntityFeed(IProjectionRuntime runtime, string key, JsonSerializerOptions serializer)
    {
        _runtime = runtime;
        _key = key;
        _serializer = serializer;
        _subscription = runtime.SubscribeChanges(key, change => _changes.Writer.TryWrite(change.Kind));
        _ = Task.Run(Pump);
    }

    /// <summary>True once the feed stopped (its last stream left, or reading the state failed); it takes no more streams.</summary>
    public bool Ended { get { lock (_gate) return _stop.IsCancellationRequested; } }

    public void Add(StreamOutbox outbox)
    {
        lock (_gate) _outboxes.Add(outbox);
    }

    /// <summary>Removes the stream; returns how many remain.</summary>
    public int Remove(StreamOutbox outbox)
    {
        lock (_gate)
        {
            _outboxes.Remove(outbox);
            return _outboxes.Count;
        }
    }

    public FeedMessage Message(string kind, EntityDetail entity) => FeedMessage.Create(kind, entity, _serializer);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
        }
        _subscription.Dispose();
    }

    private async Task Pump()
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(_stop.Token))
            {
                var kind = Drain();
                if (await EntityEndpoints.ReadCurrent(_runtime, _key, _stop.Token) is not { } current) continue;
                var message = Message(kind, current);
                StreamOutbox[] targets;
                lock (_gate) targets = [.. _outboxes];
                foreach (var outbox in targets) outbox.Post(message);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception)
        {
            // The state could not be read (the projection stopped or its store failed): the streams end,
            // and a client that reconnects gets the answer a new request gets (503, 404 or a snapshot).
            Dispose();
            StreamOutbox[] targets;
            lock (_gate) targets = [.. _outboxes];
            foreach (var outbox in targets) outbox.Complete();
        }
    }

    /// <summary>Takes every queued change; a timeout among them wins so the page can say the entity timed out.</summary>
    private string Drain()
    {
        var kind = EntityChangeKind.Persisted;
        var any = false;
        while (_changes.Reader.TryRead(out var change))
        {
            if (!any || change == EntityChangeKind.TimedOut || kind == EntityChangeKind.Persisted) kind = change;
            any = true;
        }
        return Json.CamelCase(kind.ToString());
    }
}
