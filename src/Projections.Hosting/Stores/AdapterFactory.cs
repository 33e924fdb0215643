using Projections.Core.Ports;
using Projections.Hosting.Settings;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;

namespace Projections.Hosting.Stores;

/// <summary>
/// Opens the event source and the projection store the settings name, and checks both answer before
/// anything starts, so an unusable store is one clear line (naming the store, never its credentials).
/// </summary>
internal static class AdapterFactory
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    public static async Task<HostAdapters> Open(HostSettings settings, IConfiguration configuration, bool needsWritableEvents, CancellationToken cancellationToken)
    {
        var owned = new OwnedResources();
        try
        {
            if (settings.UsesSqlite) DataDirectoryCheck.EnsureUsable(settings.DataDirectory);
            var source = await OpenEvents(settings, configuration, owned, cancellationToken);
            if (needsWritableEvents && source is not IEventStore)
                throw new HostUserException($"{source.Description} cannot be appended to; this command needs an event store that accepts appends.");
            var store = await OpenProjectionStore(settings, configuration, owned, cancellationToken);
            return new HostAdapters(source, store, owned);
        }
        catch
        {
            await owned.DisposeAsync();
            throw;
        }
    }

    /// <summary>Only the event store (for <c>simulate</c>); it must be appendable.</summary>
    public static async Task<(IEventStore Events, IAsyncDisposable Owner)> OpenWritableEvents(HostSettings settings, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var owned = new OwnedResources();
        try
        {
            if (settings.UsesEmbeddedEventStore) DataDirectoryCheck.EnsureUsable(settings.DataDirectory);
            var source = await OpenEvents(settings, configuration, owned, cancellationToken);
            return source is IEventStore store
                ? (store, owned)
                : throw new HostUserException($"{source.Description} cannot be appended to; this command needs an event store that accepts appends.");
        }
        catch
        {
            await owned.DisposeAsync();
            throw;
        }
    }

    private static async Task<IEventSource> OpenEvents(HostSettings settings, IConfiguration configuration, OwnedResources owned, CancellationToken cancellationToken)
    {
        if (settings.EventSource is { } selected)
        {
            var source = owned.Add(Create(selected, s => s.Provider.Open(s.Connection, configuration)));
            await Probe(selected.Description, ct => source.ReadHeadPosition(ct), cancellationToken);
            return source;
        }

        var sqlite = owned.Add(Create(() => new SqliteEventStore(settings.EventsDatabasePath), settings.EventsDatabasePath));
        await Probe(sqlite.Description, async ct =>
        {
            await sqlite.Initialize(ct);
            return await sqlite.ReadHeadPosition(ct);
        }, cancellationToken);
        return sqlite;
    }

    private static async Task<IProjectionStore> OpenProjectionStore(HostSettings settings, IConfiguration configuration, OwnedResources owned, CancellationToken cancellationToken)
    {
        IProjectionStore store;
        string what;
        if (settings.ProjectionStore is { } selected)
        {
            store = Create(selected, s => s.Provider.Open(s.Connection, configuration));
            what = selected.Description;
        }
        else
        {
            store = Create(() => new SqliteProjectionStore(settings.ProjectionsDatabasePath), settings.ProjectionsDatabasePath);
            what = store.Description;
        }
        owned.Add(store);
        await Probe(what, async ct =>
        {
            await store.Initialize(ct);
            return 0;
        }, cancellationToken);
        return store;
    }

    /// <summary>A provider's own error (a malformed string it found) becomes one line naming the option, without credentials.</summary>
    private static TResult Create<TProvider, TResult>(SelectedStore<TProvider> selected, Func<SelectedStore<TProvider>, TResult> open) where TProvider : StoreProvider
    {
        try
        {
            return open(selected);
        }
        catch (Exception e) when (e is not HostUserException and not OperationCanceledException)
        {
            throw new HostUserException(
                $"Invalid value '{selected.Connection.Redacted}' for {selected.Provider.Option.Display}: {SecretRedactor.Redact(e.Message)}", e);
        }
    }

    private static T Create<T>(Func<T> create, string path)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new HostUserException($"SQLite database '{path}' is not usable: {e.Message}", e);
        }
    }

    private static async Task Probe<T>(string what, Func<CancellationToken, Task<T>> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostUserException($"{what} did not answer within {ProbeTimeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException and not HostUserException)
        {
            throw new HostUserException($"{what} is not usable: {SecretRedactor.Redact(e.Message)}", e);
        }
    }
}
