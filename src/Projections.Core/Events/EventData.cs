namespace Projections.Core.Events;

/// <summary>An event to append. <see cref="Data"/> is UTF-8 JSON.</summary>
public sealed record EventData(Guid EventId, string EventType, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Metadata = default);
