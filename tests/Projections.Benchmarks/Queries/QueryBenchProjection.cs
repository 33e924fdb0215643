using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Queries;

public sealed record Registered(string Status, string Station);

public sealed record RegisteredItem(string Key, string Status, string Station);

/// <summary>One event per item sets its status and station, the two fields the entity browser filters on.</summary>
public sealed class QueryBenchProjection : Projection<RegisteredItem>
{
    public const string ProjectionName = "query-bench";

    public QueryBenchProjection() : base(ProjectionName)
    {
        JsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        FromStreams("item-");
        Initially(key => new RegisteredItem(key, "", ""));
        On<Registered>((item, e) => item with { Status = e.Status, Station = e.Station });
        Index("status", item => item.Status);
        Index("station", item => item.Station);
    }

    /// <summary>Item i: one in ten Lost, one in ten Done, the rest Active; 50 stations.</summary>
    public static Registered For(int i) => new(i % 10 == 0 ? "Lost" : i % 10 == 1 ? "Done" : "Active", $"S{i % 50}");

    public static string Key(int i) => $"item-{i:D6}";
}
