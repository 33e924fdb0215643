using BenchmarkDotNet.Attributes;
using PlantTracking.Events;
using PlantTracking.Items;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Micro;

/// <summary>The two JSON costs of the pipeline: a detection payload read by the reader, and a document built by the flusher.</summary>
public class JsonBenchmarks
{
    private readonly PlantItemsProjection _projection = new();
    private IProjectionEventHandler _detected = null!;
    private byte[] _detectionJson = null!;
    private PlantItem _freshItem = null!;
    private PlantItem _busyItem = null!;

    [GlobalSetup]
    public void Setup()
    {
        _projection.TryGetHandler(PlantEventTypes.ItemDetected, out _detected);
        _detectionJson = SampleItems.DetectionJson(1, 7);
        _freshItem = SampleItems.Item(_projection, 1);
        _busyItem = SampleItems.Item(_projection, 100);
    }

    [Benchmark(Description = "Deserialize ItemDetected payload")]
    public object DeserializeDetection() => _detected.Deserialize(_detectionJson);

    [Benchmark(Description = "SerializeState, item with 1 detection")]
    public byte[] SerializeFreshItem() => _projection.SerializeState(_freshItem);

    [Benchmark(Description = "SerializeState, item with 100 detections")]
    public byte[] SerializeBusyItem() => _projection.SerializeState(_busyItem);
}
