namespace Projections.Core.Pipeline;

/// <summary>How the memory budget counts an aggregate, and its default (design.md "Working set larger than memory").</summary>
public static class MemoryEstimate
{
    /// <summary>What the engine holds per aggregate beside its state (table entry, snapshot, index, recent events, timer); docs/performance.md scenario 4.</summary>
    public const int EngineOverheadPerAggregate = 512;

    /// <summary>Used when the runtime does not report the memory available to it.</summary>
    public const long FallbackAvailableBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>A quarter of the memory available to the process (the container limit where there is one).</summary>
    public static long DefaultBudget()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return (available > 0 ? available : FallbackAvailableBytes) / 4;
    }
}
