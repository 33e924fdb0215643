using System.Text;

namespace Projections.Core.Pipeline;

/// <summary>
/// Stable routing: FNV-1a (32 bit) of the key's UTF-8 bytes. The shard is the hash modulo the shard count; inside a
/// shard the partition is (hash / shards) modulo the partition count, so a shard's keys spread over every partition
/// even when the two counts share a factor (design.md "Shards"). One shard routes exactly as before shards.
/// </summary>
public static class KeyHash
{
    private const uint Offset = 2166136261, Prime = 16777619;

    /// <summary>32-bit FNV-1a of the key's UTF-8 bytes (an unpaired surrogate as U+FFFD), without encoding ASCII keys.</summary>
    public static uint Fnv1a(string key)
    {
        var hash = Offset;
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c >= 0x80) return Utf8Fnv1a(key.AsSpan(i), hash);
            hash = (hash ^ c) * Prime;
        }
        return hash;
    }

    private static uint Utf8Fnv1a(ReadOnlySpan<char> rest, uint hash)
    {
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in rest.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < n; i++) hash = (hash ^ buffer[i]) * Prime;
        }
        return hash;
    }

    public static int Partition(string key, int partitions) => Partition(key, partitions, 1);

    public static int Partition(string key, int partitions, int shards) => (int)(Fnv1a(key) / (uint)shards % (uint)partitions);

    public static int Shard(string key, int shards) => (int)(Fnv1a(key) % (uint)shards);

    /// <summary>
    /// <see cref="Partition(string, int, int)"/> when the key falls in <paramref name="shard"/>, else -1: both answers from one
    /// hash, for the reader, which asks them for every key of every event.
    /// </summary>
    public static int PartitionInShard(string key, int shard, int shards, int partitions)
    {
        var hash = Fnv1a(key);
        if (shards > 1 && hash % (uint)shards != (uint)shard) return -1;
        return (int)(hash / (uint)shards % (uint)partitions);
    }

    /// <summary>
    /// Whether some key falls both in <paramref name="shard"/> of <paramref name="shards"/> and in <paramref name="otherShard"/> of
    /// <paramref name="otherShards"/> (two generations with different shard counts): both are the hash modulo the count, so exactly
    /// when the two shard numbers agree modulo the counts' greatest common divisor (equal counts: the same shard).
    /// </summary>
    public static bool ShardsOverlap(int shard, int shards, int otherShard, int otherShards)
    {
        var (a, b) = (shards, otherShards);
        while (b != 0) (a, b) = (b, a % b);
        return shard % a == otherShard % a;
    }
}
