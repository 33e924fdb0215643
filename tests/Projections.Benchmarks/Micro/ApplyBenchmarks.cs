using BenchmarkDotNet.Attributes;
using PlantTracking.Events;
using PlantTracking.Items;
using Projections.Benchmarks.Baselines;
using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Micro;

/// <summary>Applying one ItemDetected to an item that has already been detected <see cref="Detections"/> times.</summary>
public class ApplyBenchmarks
{
    private readonly PlantItemsProjection _projection = new();
    private readonly EventContext _context = new();
    private IProjectionEventHandler _handler = null!;
    private PlantItem _state = null!;
    private object _payload = null!;
    private RecordedEvent _event = null!;

    [Params(1, 50)]
    public int Detections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = SampleItems.Item(_projection, Detections);
        _projection.TryGetHandler(PlantEventTypes.ItemDetected, out _handler);
        var data = SampleItems.DetectionJson(1, Detections);
        _event = SampleItems.Recorded(PlantEventTypes.ItemDetected, data, 1_000);
        _payload = _handler.Deserialize(data);
    }

    [Benchmark(Description = "plant-items Apply(ItemDetected)")]
    public object Apply()
    {
        var time = _handler.EventTime(_event, _payload);
        EventContextAccess.Reset(_context, _event.StreamId, _event, time, time);
        return _handler.Apply(_state, _payload, _context);
    }
}
