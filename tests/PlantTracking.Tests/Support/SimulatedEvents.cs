using System.Text.Json;
using PlantTracking.Events;
using PlantTracking.Serialization;
using Projections.Core.Events;

namespace PlantTracking.Tests.Support;

/// <summary>Reads back what the simulator appended.</summary>
public static class SimulatedEvents
{
    public static ItemDetected Detection(RecordedEvent e) => JsonSerializer.Deserialize(e.Data.Span, PlantJsonContext.Default.ItemDetected)!;
    public static ItemRegistered Registration(RecordedEvent e) => JsonSerializer.Deserialize(e.Data.Span, PlantJsonContext.Default.ItemRegistered)!;
    public static PlanAssigned Plan(RecordedEvent e) => JsonSerializer.Deserialize(e.Data.Span, PlantJsonContext.Default.PlanAssigned)!;
    public static AnnotationAdded Annotation(RecordedEvent e) => JsonSerializer.Deserialize(e.Data.Span, PlantJsonContext.Default.AnnotationAdded)!;

    public static IEnumerable<ItemDetected> Detections(this IEnumerable<RecordedEvent> events) =>
        events.Where(e => e.EventType == PlantEventTypes.ItemDetected).Select(Detection);

    /// <summary>Synchronous progress sink (Progress&lt;T&gt; would post to the thread pool).</summary>
    public sealed class Progress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
