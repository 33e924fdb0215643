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
}
