using System.Text;
using FluentAssertions;
using Projections.Core.Pipeline;

namespace Projections.Core.Tests;

/// <summary>
/// The key hash places every aggregate in its shard and partition, and a sharded generation's documents
/// and checkpoints are stored by shard: the function must give the same value in every version, for
/// every key a stream id can hold.
/// </summary>
public sealed class KeyHashTests
{
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void It_is_the_published_32_bit_FNV_1a(string key, uint expected) => KeyHash.Fnv1a(key).Should().Be(expected);

    [Theory]
    [InlineData("item-000122")]
    [InlineData("Straße-7")]
    [InlineData("item-é")]
    [InlineData("日本-1")]
    [InlineData("emoji-😀-x")]
    [InlineData("\u00e9")]
    public void It_hashes_the_UTF_8_bytes_of_ASCII_and_non_ASCII_keys_alike(string key) =>
        KeyHash.Fnv1a(key).Should().Be(Reference(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void An_unpaired_surrogate_hashes_as_the_replacement_character()
    {
        KeyHash.Fnv1a("a\ud800b").Should().Be(Reference(Encoding.UTF8.GetBytes("a\ufffdb")));
        KeyHash.Fnv1a("a\udc00").Should().Be(Reference(Encoding.UTF8.GetBytes("a\ufffd")));
    }

    [Fact]
    public void Two_shard_counts_share_keys_exactly_between_the_shards_ShardsOverlap_names()
    {
        // A switch between generations with different shard counts waits on these pairs (PreviewGenerations.Behind); a pair
        // missed would let a reader of some key move back in time, a pair too many only makes the switch wait longer.
        var keys = Enumerable.Range(0, 5000).Select(i => $"item-{i}").ToArray();
        for (var n = 1; n <= 6; n++)
            for (var m = 1; m <= 6; m++)
            {
                var seen = keys.Select(k => (KeyHash.Shard(k, n), KeyHash.Shard(k, m))).ToHashSet();
                for (var i = 0; i < n; i++)
                    for (var j = 0; j < m; j++)
                        KeyHash.ShardsOverlap(i, n, j, m).Should().Be(seen.Contains((i, j)), $"shard {i} of {n} and shard {j} of {m}");
            }
    }

    [Fact]
    public void The_reader_s_one_hash_routing_agrees_with_the_shard_and_the_partition_asked_apart()
    {
        // The reader routes with PartitionInShard; everything else (warm start, lookups, timers) asks Shard and Partition.
        var keys = Enumerable.Range(0, 2000).Select(i => i % 3 == 0 ? $"élément-{i}" : $"item-{i}").ToArray();
        foreach (var shards in new[] { 1, 2, 3, 4 })
            foreach (var partitions in new[] { 1, 2, 3, 8 })
                for (var shard = 0; shard < shards; shard++)
                    foreach (var key in keys)
                        KeyHash.PartitionInShard(key, shard, shards, partitions).Should().Be(
                            KeyHash.Shard(key, shards) == shard ? KeyHash.Partition(key, partitions, shards) : -1,
                            $"key {key}, shard {shard} of {shards}, {partitions} partitions");
    }

    private static uint Reference(byte[] bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes) hash = (hash ^ b) * 16777619u;
        return hash;
    }
}
