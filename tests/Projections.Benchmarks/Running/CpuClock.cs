using System.Diagnostics;

namespace Projections.Benchmarks.Running;

/// <summary>
/// Wall time and this process's CPU time (all threads) over one measured run. On a shared machine CPU
/// time per event is the steadier figure: it does not grow when other processes take the cores.
/// </summary>
public readonly struct CpuClock
{
    private readonly long _wallStart;
    private readonly TimeSpan _cpuStart;

    private CpuClock(long wallStart, TimeSpan cpuStart) { _wallStart = wallStart; _cpuStart = cpuStart; }

    public static CpuClock Start() => new(Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime);

    public (TimeSpan Wall, TimeSpan Cpu) Stop() =>
        (Stopwatch.GetElapsedTime(_wallStart), Process.GetCurrentProcess().TotalProcessorTime - _cpuStart);
}
