using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PlantTracking.Events;
using PlantTracking.Serialization;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Soak;

/// <summary>
/// A plant in steady state, for the soak: <c>inFlight</c> items move through the plant at once, each
/// registered, detected at <c>detections</c> stations and completed; a completed item's slot registers
/// a new item. Items take turns event by event and plant time advances a fixed step per event, so
/// registrations, detections, completions and (one hour after completion) retirements run at a
/// constant rate and the live set stays the same size: the items in flight plus those completed
/// within the retirement delay. Deterministic; the events are the plant's own types and JSON.
/// </summary>
public sealed class SteadyPlant(int inFlight, int detections, TimeSpan step)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 6, 0, 0, TimeSpan.Zero);
    private readonly int _inFlight = inFlight;
    private readonly int[] _itemOfSlot = Enumerable.Range(0, inFlight).ToArray();
    /// <summary>Negative at first: slot i waits i % EventsPerItem turns, so the slots are spread over the stages and items complete at an even rate.</summary>
    private readonly int[] _stageOfSlot = Enumerable.Range(0, inFlight).Select(i => -(i % (detections + 2))).ToArray();
    private long _turns;
    private int _nextItem = inFlight;
    private long _events;

    public int EventsPerItem => detections + 2;

    /// <summary>Plant time of the event <paramref name="events"/> events from the start.</summary>
    public DateTimeOffset TimeAfter(long events) => Start + step * events;

    /// <summary>The next <paramref name="count"/> events, one append request each (items append to their own streams).</summary>
    public List<AppendRequest> Next(int count)
    {
        var requests = new List<AppendRequest>(count);
        while (requests.Count < count)
        {
            var slot = (int)(_turns++ % _inFlight);
            if (_stageOfSlot[slot] < 0)
            {
                _stageOfSlot[slot]++;
                continue;
            }
            var at = TimeAfter(_events++);
            var itemId = $"S{_itemOfSlot[slot]:D8}";
            var stage = _stageOfSlot[slot]++;
            var station = $"ST{stage % 12:D2}";
            EventData e;
            if (stage == 0) e = Event(PlantEventTypes.ItemRegistered, new ItemRegistered(itemId, "P" + _itemOfSlot[slot] % 7, at), PlantJsonContext.Default.ItemRegistered);
            else if (stage <= detections)
                e = Event(PlantEventTypes.ItemDetected, new ItemDetected(itemId, station, stage == 1 ? null : $"ST{(stage - 1) % 12:D2}", at, $"m-{itemId}-{stage}"), PlantJsonContext.Default.ItemDetected);
            else
            {
                e = Event(PlantEventTypes.ItemCompleted, new ItemCompleted(itemId, station, at), PlantJsonContext.Default.ItemCompleted);
                _itemOfSlot[slot] = _nextItem++;
                _stageOfSlot[slot] = 0;
            }
            requests.Add(new AppendRequest(PlantStreams.ForItem(itemId), ExpectedRevision.Any, [e]));
        }
        return requests;
    }

    private static EventData Event<T>(string type, T payload, JsonTypeInfo<T> info) =>
        new(Guid.NewGuid(), type, JsonSerializer.SerializeToUtf8Bytes(payload, info));
}
