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

    private static uint Reference(byte[] bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes) hash = (hash ^ b) * 16777619u;
        return hash;
    }
}
