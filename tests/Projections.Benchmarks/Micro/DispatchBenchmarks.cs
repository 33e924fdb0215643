using BenchmarkDotNet.Attributes;
using Projections.Core.Pipeline;

namespace Projections.Benchmarks.Micro;

/// <summary>Routing one event: the stable hash of its key modulo the partition count (FNV-1a over UTF-8).</summary>
public class DispatchBenchmarks
{
    private readonly string[] _keys = Enumerable.Range(0, 1024).Select(i => $"item-I{i:D7}").ToArray();

    [Benchmark(OperationsPerInvoke = 1024, Description = "KeyHash.Partition (item-I0000000 style key)")]
    public int HashToPartition()
    {
        var sum = 0;
        foreach (var key in _keys) sum += KeyHash.Partition(key, 2);
        return sum;
    }
}
