using Projections.Core.Ports;

namespace Projections.Host.Composition;

/// <summary>The opened event source (writable when it is an event store) and projection store; disposes what it opened.</summary>
public sealed class HostAdapters(IEventSource source, IProjectionStore store, OwnedResources owned) : IAsyncDisposable
{
    public IEventSource Source { get; } = source;
    /// <summary>The source as an appendable store, when it is one (the simulator appends through it).</summary>
    public IEventStore? Writable => Source as IEventStore;
    public IProjectionStore Store { get; } = store;

    public ValueTask DisposeAsync() => owned.DisposeAsync();
}
