using Projections.Core.Ports;

namespace Projections.Hosting.Stores;

/// <summary>The opened event source (writable when it is an event store) and projection store; disposes what it opened.</summary>
public sealed class HostAdapters : IAsyncDisposable
{
    private readonly OwnedResources _owned;

    internal HostAdapters(IEventSource source, IProjectionStore store, OwnedResources owned)
    {
        Source = source;
        Store = store;
        _owned = owned;
    }

    /// <summary>Where events come from.</summary>
    public IEventSource Source { get; }
    /// <summary>The source as an appendable store, when it is one.</summary>
    public IEventStore? Writable => Source as IEventStore;
    /// <summary>Where projections are persisted.</summary>
    public IProjectionStore Store { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _owned.DisposeAsync();
}
