using FluentAssertions;
using Projections.Core.Pipeline;

namespace Projections.Core.Tests;

/// <summary>The block list behind the live key index agrees with a sorted set through splits and merges of its blocks.</summary>
public sealed class SortedKeyListTests
{
    [Fact]
    public void Adds_removals_and_pages_after_any_key_agree_with_a_sorted_set()
    {
        var random = new Random(18);
        var list = new SortedKeyList();
        var reference = new SortedSet<string>(StringComparer.Ordinal);
        var buffer = new string[700];
        for (var step = 0; step < 40_000; step++)
        {
            var key = $"k-{random.Next(3_000)}";
            // Grow to a few thousand keys (blocks split), then shrink (blocks empty and merge), then grow again.
            var adding = step % 20_000 < 12_000 ? random.Next(4) != 0 : random.Next(4) == 0;
            (adding ? list.Add(key) : list.Remove(key)).Should().Be(adding ? reference.Add(key) : reference.Remove(key));
            if (step % 997 != 0) continue;

            list.Count.Should().Be(reference.Count);
            var after = random.Next(3) == 0 ? null : $"k-{random.Next(3_000)}";
            var n = list.CopyAfter(after, buffer);
            buffer.Take(n).Should().Equal(reference.Where(k => after is null || string.CompareOrdinal(k, after) > 0).Take(buffer.Length));
        }
        var all = new string[reference.Count + 1];
        list.CopyAfter(null, all).Should().Be(reference.Count);
        all.Take(reference.Count).Should().Equal(reference);
    }
}
