namespace Projections.Core.Runtime;

/// <summary>A dependency a projection is waiting for: which one, the last error, and since when.</summary>
public sealed record OutageInfo(string Dependency, string Reason, DateTimeOffset Since);
