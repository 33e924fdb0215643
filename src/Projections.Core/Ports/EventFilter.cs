namespace Projections.Core.Ports;

/// <summary>
/// Which events a subscription delivers. Sources apply it on the server where they can; the engine
/// checks it again, so a source may deliver more than asked but never less.
/// An empty prefix list means "no constraint" on that dimension.
/// </summary>
public sealed record EventFilter
{
    public IReadOnlyList<string> StreamPrefixes { get; init; } = [];
    public IReadOnlyList<string> EventTypes { get; init; } = [];
    /// <summary>Events in streams starting with '$' and event types starting with '$' are system events.</summary>
    public bool ExcludeSystemEvents { get; init; } = true;

    public static readonly EventFilter All = new();

    public bool Matches(string streamId, string eventType)
    {
        if (ExcludeSystemEvents && (eventType.StartsWith('$') || streamId.StartsWith('$'))) return false;
        if (StreamPrefixes.Count > 0 && !StartsWithAny(streamId, StreamPrefixes)) return false;
        if (EventTypes.Count > 0 && !Contains(EventTypes, eventType)) return false;
        return true;
    }

    private static bool StartsWithAny(string value, IReadOnlyList<string> prefixes)
    {
        for (var i = 0; i < prefixes.Count; i++)
            if (value.StartsWith(prefixes[i], StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
            if (string.Equals(values[i], value, StringComparison.Ordinal)) return true;
        return false;
    }
}
