using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Baselines;

/// <summary>
/// The usual alternative: for every event, load the document, apply, write it back; checkpoint every
/// <see cref="CheckpointEvery"/> events. Runs on the same ports as the engine, so it uses the same
/// store adapter. The store's batch write always carries a checkpoint; between two checkpoints the
/// last one is carried unchanged (one extra row in the same transaction, no extra round-trip).
/// </summary>
public sealed class PerEventProjector(IEventSource source, IProjectionStore store, IProjection projection, string storageName)
{
    public const int CheckpointEvery = 100;

    public long EventsApplied { get; private set; }

    /// <summary>Projects from the start until the head, or until <paramref name="budget"/> has passed.</summary>
    public async Task Run(TimeSpan budget, CancellationToken ct)
    {
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        await store.Initialize(ct);
        var generation = (await store.EnsureProjection(storageName, projection.Indexes, ct)).Active;
        var checkpoint = await store.LoadCheckpoint(storageName, generation, ct) ?? new ProjectionCheckpoint(GlobalPosition.Start, null);
        var context = new EventContext();
        var keys = new List<string>(4);
        var streamTime = checkpoint.StreamTime ?? DateTimeOffset.MinValue;
        var sinceCheckpoint = 0;

        await foreach (var e in source.ReadAllForward(checkpoint.Position == GlobalPosition.Start ? null : checkpoint.Position, projection.Filter, ct))
        {
            if (!projection.Filter.Matches(e.StreamId, e.EventType) || !projection.TryGetHandler(e.EventType, out var handler)) continue;
            if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline) break;
            var payload = handler.Deserialize(e.Data);
            keys.Clear();
            handler.CollectKeys(e, payload, keys);
            var eventTime = handler.EventTime(e, payload);
            if (eventTime > streamTime) streamTime = eventTime;
            if (++sinceCheckpoint == CheckpointEvery)
            {
                checkpoint = new ProjectionCheckpoint(e.Position, streamTime);
                sinceCheckpoint = 0;
            }

            foreach (var key in keys)
            {
                var stored = await store.LoadDocument(storageName, generation, key, ct);
                if (stored is not null && stored.Position >= e.Position) continue;
                var state = stored is null ? projection.CreateInitialState(key) : projection.DeserializeState(stored.StateJson);
                EventContextAccess.Reset(context, key, e, eventTime, streamTime);
                state = handler.Apply(state, payload, context);
                var document = new StoredDocument(key, projection.SerializeState(state), (stored?.Version ?? 0) + 1, e.Position, null, DateTimeOffset.UtcNow);
                await store.WriteBatch(new ProjectionBatch(storageName, generation, [document], [], checkpoint), ct);
            }
            EventsApplied++;
        }
    }
}
