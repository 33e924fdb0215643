using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Reporting;

namespace Projections.Benchmarks.Scenarios;

public interface IScenario
{
    /// <summary>"1. In-memory engine vs raw fold", as printed in the table.</summary>
    string Title { get; }
    /// <summary>The stores it runs on, when a store-bound scenario; null for in-memory ones.</summary>
    Backend? Backend => null;
    Task Run(ResultTable table, CancellationToken ct);
}
