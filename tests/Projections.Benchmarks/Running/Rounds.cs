namespace Projections.Benchmarks.Running;

/// <summary>
/// Runs compared variants in the same process, alternating their order every round so drift on a
/// shared machine (other processes, thermal, GC state) hits both alike; callers report medians.
/// </summary>
public static class Rounds
{
    public static async Task<IReadOnlyDictionary<string, List<T>>> Alternate<T>(
        int rounds, IReadOnlyList<(string Name, Func<Task<T>> Run)> variants, Func<T, string> describe, Func<Task>? warmUp = null)
    {
        var results = variants.ToDictionary(v => v.Name, _ => new List<T>());
        if (warmUp is not null)
        {
            // Untimed: the first run of a code path pays JIT tiering and connection pools.
            Console.WriteLine("    warming up");
            await warmUp();
        }
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? variants : variants.Reverse().ToArray();
            foreach (var (name, run) in order)
            {
                Settle();
                var result = await run();
                results[name].Add(result);
                Console.WriteLine($"    round {round + 1}/{rounds} {name}: {describe(result)}");
            }
        }
        return results;
    }

    /// <summary>Full blocking compacting collection, so one variant's garbage is not collected on the next one's time.</summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
