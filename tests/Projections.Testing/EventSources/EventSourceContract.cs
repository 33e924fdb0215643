using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.EventSources;

/// <summary>
/// The behaviour every event store adapter must show. Derive once per adapter; every [Fact] here runs
/// for that adapter. The scenarios suit a shared, non-empty server: each test writes only to streams
/// starting with its own <see cref="Prefix"/>, uses its own event types, reads positions relative to the
/// head it saw at its start, and filters subscriptions on its own prefix.
/// </summary>
public abstract partial class EventSourceContract : IAsyncLifetime
{
    /// <summary>The store under test, opened by <see cref="OpenStore"/> before each test.</summary>
    protected IEventStore Store { get; private set; } = null!;

    /// <summary>Every stream of this test starts with this; event types start with <see cref="TypePrefix"/>.</summary>
    protected string Prefix { get; } = UniqueNames.StreamPrefix();

    protected string TypePrefix => "T" + Prefix.TrimEnd('-');

    /// <summary>How long a test waits for an expected delivery before failing.</summary>
    protected virtual TimeSpan DeliveryTimeout => TimeSpan.FromSeconds(15);

    /// <summary>True when the source never delivers events outside the filter (SQLite); a server that filters on one dimension only says false.</summary>
    protected virtual bool FiltersExactly => true;

    /// <summary>Opens the store under test (a fresh one, or a connection to the shared server).</summary>
    protected abstract Task<IEventStore> OpenStore();

    /// <summary>Releases the store and anything the derived class created for the test.</summary>
    protected virtual ValueTask Cleanup()
    {
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable: return asyncDisposable.DisposeAsync();
            case IDisposable disposable: disposable.Dispose(); break;
        }
        return ValueTask.CompletedTask;
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected EventFilter OwnStreams(string suffix = "") => new() { StreamPrefixes = [Prefix + suffix] };

    protected Task<AppendResult> AppendNumbered(string stream, int from, int count, string? eventType = null) =>
        Store.Append(Prefix + stream, ExpectedRevision.Any, TestEvents.Numbered(eventType ?? TypePrefix + "Happened", from, count), Ct);

    protected SubscriptionProbe Subscribe(GlobalPosition? after, EventFilter filter) => SubscriptionProbe.Start(Store, after, filter, Ct);

    public async ValueTask InitializeAsync() => Store = await OpenStore();

    public async ValueTask DisposeAsync()
    {
        await Cleanup();
        GC.SuppressFinalize(this);
    }
}
