using Projections.Benchmarks.Reporting;

namespace Projections.Benchmarks.Scenarios;

public interface IScenario
{
    /// <summary>"1. In-memory engine vs raw fold", as printed in the table.</summary>
    string Title { get; }
    Task Run(ResultTable table, CancellationToken ct);
}
