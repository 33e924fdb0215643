namespace Projections.Benchmarks.Running;

public static class Heap
{
    /// <summary>Bytes of live managed objects after full blocking compacting collections.</summary>
    public static long LiveBytes()
    {
        Rounds.Settle();
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>
    /// <see cref="LiveBytes"/> once it stops falling: a stopped engine's background loops let go of their
    /// pipeline up to a few seconds after DisposeAsync returned, and that memory must not count as baseline.
    /// </summary>
    public static async Task<long> SettledLiveBytes(CancellationToken ct)
    {
        var last = LiveBytes();
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(500, ct);
            var now = LiveBytes();
            if (now >= last - last / 200) return Math.Min(now, last);
            last = now;
        }
        return last;
    }
}
