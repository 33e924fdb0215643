namespace Projections.Benchmarks.Reporting;

/// <summary>One line of the result table. <see cref="Met"/> is null when the row has no target.</summary>
public sealed record ResultRow(string Scenario, string Measure, string Value, string Target = "", bool? Met = null);
