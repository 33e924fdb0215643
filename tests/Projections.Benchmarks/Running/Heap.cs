namespace Projections.Benchmarks.Running;

public static class Heap
{
    /// <summary>Bytes of live managed objects after full blocking compacting collections.</summary>
    public static long LiveBytes()
    {
        Rounds.Settle();
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
