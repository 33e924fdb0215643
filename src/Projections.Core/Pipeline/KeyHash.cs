using System.Text;

namespace Projections.Core.Pipeline;

/// <summary>Stable partition routing: FNV-1a (32 bit) of the key's UTF-8 bytes, modulo the partition count.</summary>
public static class KeyHash
{
    public static uint Fnv1a(string key)
    {
        const uint offset = 2166136261, prime = 16777619;
        var hash = offset;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in key.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < n; i++) hash = (hash ^ buffer[i]) * prime;
        }
        return hash;
    }

    public static int Partition(string key, int partitions) => (int)(Fnv1a(key) % (uint)partitions);
}
