using System.Collections.Immutable;

namespace PlantTracking.Items;

/// <summary>
/// The message ids' hash codes of one exact detection history, in the same order, so the duplicate
/// check scans a small int array instead of dereferencing every detection and its id string (that
/// scan was the largest cost of an in-order detection). Kept in memory only; rebuilt from the history
/// when missing or when it belongs to another history.
/// </summary>
internal sealed class MessageIdIndex
{
    private readonly int[] _hashes;

    private MessageIdIndex(ImmutableArray<Detection> detections, int[] hashes)
    {
        Detections = detections;
        _hashes = hashes;
    }

    public ImmutableArray<Detection> Detections { get; }

    public static MessageIdIndex For(ImmutableArray<Detection> detections, MessageIdIndex? previous) =>
        previous is not null && previous.Detections == detections ? previous : Build(detections);

    public static MessageIdIndex Build(ImmutableArray<Detection> detections)
    {
        var hashes = new int[detections.Length];
        for (var i = 0; i < hashes.Length; i++) hashes[i] = Hash(detections[i].MessageId);
        return new MessageIdIndex(detections, hashes);
    }

    public bool Contains(string messageId)
    {
        var hash = Hash(messageId);
        for (var i = 0; i < _hashes.Length; i++)
            if (_hashes[i] == hash && Detections[i].MessageId == messageId) return true;
        return false;
    }

    /// <summary>The index of <paramref name="updated"/>: this history with <paramref name="messageId"/> inserted at <paramref name="index"/>, then its first <paramref name="drop"/> entries removed.</summary>
    public MessageIdIndex Inserted(ImmutableArray<Detection> updated, int index, string messageId, int drop)
    {
        var hash = Hash(messageId);
        var hashes = new int[_hashes.Length + 1 - drop];
        for (var position = drop; position <= _hashes.Length; position++)
            hashes[position - drop] = position < index ? _hashes[position] : position == index ? hash : _hashes[position - 1];
        return new MessageIdIndex(updated, hashes);
    }

    private static int Hash(string messageId) => messageId.GetHashCode(StringComparison.Ordinal);
}
