using Projections.Core.Events;

namespace Projections.Core.Ports;

/// <summary>An event source that can also be written to (the simulator and tests append through it).</summary>
public interface IEventStore : IEventSource
{
    /// <summary>Appends events to one stream atomically, checking the expected revision.</summary>
    /// <exception cref="WrongExpectedVersionException">The stream is not at the expected revision.</exception>
    Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken);

    /// <summary>
    /// Appends to many streams for throughput. Each request is atomic on its own; the batch as a whole
    /// need not be. Results are in request order.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken);
}
