using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Projections.Core.Projections;

namespace Projections.Hosting.Tests.Web.Fakes;

public sealed record TestItem(string Id, string Status, string? CurrentStation, IReadOnlyList<string> Annotations, int Detections);

/// <summary>Declares the same browsable fields as the plant sample (status, currentStation).</summary>
public sealed class TestItemsProjection : Projection<TestItem>
{
    public const string ProjectionName = "test-items";

    public TestItemsProjection() : base(ProjectionName)
    {
        // Options without a resolver cannot hand out type metadata (Projection<T>.JsonOptions' default has none).
        JsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        FromStreams("item-");
        Initially(key => new TestItem(key, "Active", null, [], 0));
        Index("status", item => item.Status);
        Index("currentStation", item => item.CurrentStation);
    }
}
