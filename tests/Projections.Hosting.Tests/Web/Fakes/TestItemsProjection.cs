using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Projections.Core.Projections;

namespace Projections.Hosting.Tests.Web.Fakes;

public sealed record TestItem(string Id, string Status, string? CurrentStation, IReadOnlyList<string> Annotations, int Detections);

/// <summary>An item seen at a station (event type "ItemDetected").</summary>
public sealed record ItemDetected(string Station);

/// <summary>An item given up for lost (event type "ItemLost").</summary>
public sealed record ItemLost;

/// <summary>
/// Declares the same browsable fields as the plant sample (status, currentStation). The fake runtime sets
/// states directly; the real engine folds the two events below.
/// </summary>
public sealed class TestItemsProjection : Projection<TestItem>
{
    public const string ProjectionName = "test-items";

    public TestItemsProjection() : base(ProjectionName)
    {
        // Options without a resolver cannot hand out type metadata (Projection<T>.JsonOptions' default has none).
        JsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        FromStreams("item-");
        Initially(key => new TestItem(key, "Active", null, [], 0));
        On<ItemDetected>((item, e) => item with { Status = "Active", CurrentStation = e.Station, Detections = item.Detections + 1 });
        On<ItemLost>((item, _) => item with { Status = "Lost" });
        Index("status", item => item.Status);
        Index("currentStation", item => item.CurrentStation);
    }
}
