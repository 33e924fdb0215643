using System.Text;

namespace Projections.MongoDb;

/// <summary>
/// Where things live in the database. A generation's documents are in "{projection}.g{generation}"
/// (e.g. "plant-items.g1"); the store's own collections start with "_" and never end in ".g{number}",
/// so no projection name can collide with them.
/// </summary>
internal static class CollectionNames
{
    public const string Generations = "_generations";
    public const string Checkpoints = "_checkpoints";
    public const string DeadLetters = "_dead_letters";

    // MongoDB 4.4+ limits "database.collection" to 255 bytes.
    private const int MaxNamespaceBytes = 255;

    public static string Documents(string databaseName, string projection, int generation)
    {
        CheckProjectionName(projection);
        if (generation < 1)
            throw new ArgumentOutOfRangeException(nameof(generation), generation, $"Generations of projection '{projection}' are numbered from 1.");
        CheckNamespaceLength(databaseName, projection);
        return $"{projection}.g{generation}";
    }

    // Checked with the longest generation number, so a name that fits g1 cannot fail at a later rebuild.
    private static void CheckNamespaceLength(string databaseName, string projection)
    {
        var longest = $"{projection}.g{int.MaxValue}";
        if (Encoding.UTF8.GetByteCount(databaseName) + 1 + Encoding.UTF8.GetByteCount(longest) > MaxNamespaceBytes)
            throw new ArgumentException($"The projection name '{projection}' is too long for MongoDB: '{databaseName}.{longest}' (its largest generation) exceeds {MaxNamespaceBytes} bytes.", nameof(projection));
    }

    /// <summary>
    /// The checkpoint document of a generation's shard: shard 0's has the same id as the generation's collection, as every
    /// checkpoint had before shards (so those are shard 0's as they stand); shard n's is "{collection}#n" ("plant-items.g1#2"),
    /// which no collection name can be, since those end in ".g{number}".
    /// </summary>
    public static string CheckpointId(string documentsCollection, int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return shard == 0 ? documentsCollection : $"{documentsCollection}#{shard}";
    }

    /// <summary>"{collection}@{position}": one dead letter per projection generation and position, so parking twice is harmless.</summary>
    public static string DeadLetterId(string documentsCollection, Core.Events.GlobalPosition position) => $"{documentsCollection}@{position}";

    public static void CheckProjectionName(string projection)
    {
        if (string.IsNullOrWhiteSpace(projection))
            throw new ArgumentException("A projection name is empty.", nameof(projection));
        if (projection.Contains('$') || projection.Contains('\0'))
            throw new ArgumentException($"The projection name '{projection.Replace("\0", "\\0")}' contains '$' or a NUL character, which MongoDB collection names cannot hold.", nameof(projection));
        if (projection.StartsWith("system.", StringComparison.Ordinal))
            throw new ArgumentException($"The projection name '{projection}' starts with 'system.', which MongoDB reserves.", nameof(projection));
        if (projection.Contains(".system.", StringComparison.Ordinal))
            throw new ArgumentException($"The projection name '{projection}' contains '.system.', which MongoDB refuses in collection names.", nameof(projection));
        if (projection.StartsWith('.'))
            throw new ArgumentException($"The projection name '{projection}' starts with '.', which MongoDB refuses in collection names.", nameof(projection));
        if (projection.EndsWith('.'))
            throw new ArgumentException($"The projection name '{projection}' ends with '.', which would give its collections an empty name segment ('{projection}.g1').", nameof(projection));
    }
}
