using System.Runtime.InteropServices;

namespace Projections.Core.Pipeline;

/// <summary>
/// Keys in ordinal order, held in blocks of at most <see cref="MaxBlock"/>: an insert or a removal shifts
/// one block, and finding where a page starts is two binary searches, so neither costs the whole set.
/// Not thread-safe: <see cref="PartitionKeyIndex"/> guards it.
/// </summary>
internal sealed class SortedKeyList
{
    private const int MaxBlock = 512;
    private readonly List<List<string>> _blocks = [];

    public int Count { get; private set; }

    public bool Add(string key)
    {
        if (_blocks.Count == 0)
        {
            _blocks.Add([key]);
            Count = 1;
            return true;
        }
        var b = BlockFor(key);
        if (b == _blocks.Count) b--;
        var block = _blocks[b];
        var i = block.BinarySearch(key, StringComparer.Ordinal);
        if (i >= 0) return false;
        block.Insert(~i, key);
        Count++;
        if (block.Count > MaxBlock)
        {
            // The new block gets room for a whole block at once: grown by doubling, it would copy itself on its way to MaxBlock.
            var half = new List<string>(MaxBlock + 1);
            half.AddRange(CollectionsMarshal.AsSpan(block)[(MaxBlock / 2)..]);
            block.RemoveRange(MaxBlock / 2, half.Count);
            _blocks.Insert(b + 1, half);
        }
        return true;
    }

    public bool Remove(string key)
    {
        var b = BlockFor(key);
        if (b == _blocks.Count) return false;
        var block = _blocks[b];
        var i = block.BinarySearch(key, StringComparer.Ordinal);
        if (i < 0) return false;
        block.RemoveAt(i);
        Count--;
        if (block.Count == 0) _blocks.RemoveAt(b);
        else if (block.Count < MaxBlock / 4 && b + 1 < _blocks.Count && block.Count + _blocks[b + 1].Count <= MaxBlock)
        {
            block.AddRange(_blocks[b + 1]);
            _blocks.RemoveAt(b + 1);
        }
        return true;
    }

    /// <summary>Copies the keys after <paramref name="after"/> (all when null), in order, into <paramref name="buffer"/>; returns how many.</summary>
    public int CopyAfter(string? after, string[] buffer)
    {
        int b, i;
        if (after is null) (b, i) = (0, 0);
        else
        {
            b = BlockFor(after);
            if (b == _blocks.Count) return 0;
            i = _blocks[b].BinarySearch(after, StringComparer.Ordinal);
            i = i >= 0 ? i + 1 : ~i;
        }
        var n = 0;
        for (; b < _blocks.Count && n < buffer.Length; b++, i = 0)
        {
            var block = _blocks[b];
            var take = Math.Min(block.Count - i, buffer.Length - n);
            block.CopyTo(i, buffer, n, take);
            n += take;
        }
        return n;
    }

    /// <summary>The first block whose last key is at or after <paramref name="key"/>; the block count when there is none.</summary>
    private int BlockFor(string key)
    {
        int lo = 0, hi = _blocks.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var block = _blocks[mid];
            if (string.CompareOrdinal(block[^1], key) < 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
