using Projections.Core.Projections;
using Projections.Hosting.Commands;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;
using Projections.Hosting.Views;

namespace Projections.Hosting;

/// <summary>
/// Returned by <see cref="ProjectionsServiceCollectionExtensions.AddProjections"/>: add projections,
/// choose stores (store packages add <c>UseEventStoreDb</c>, <c>UseMongoDb</c>... on top of
/// <see cref="UseEventSource"/> and <see cref="UseProjectionStore"/>), and add options and commands.
/// </summary>
public sealed class ProjectionsBuilder
{
    internal ProjectionsBuilder(IServiceCollection services, ProjectionsRegistration registration)
    {
        Services = services;
        Registration = registration;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>What has been registered so far.</summary>
    public ProjectionsRegistration Registration { get; }

    /// <summary>Runs this projection (created by dependency injection, once).</summary>
    public ProjectionsBuilder Add<TProjection>() where TProjection : class, IProjection
    {
        Services.AddSingleton<IProjection, TProjection>();
        return this;
    }

    /// <summary>Runs this projection instance.</summary>
    public ProjectionsBuilder Add(IProjection projection)
    {
        Services.AddSingleton(projection);
        return this;
    }

    /// <summary>
    /// The embedded SQLite stores (the default when no other store is selected) keep their files in
    /// <paramref name="dataDirectory"/> unless <c>--data-dir</c> / <c>Projections:DataDirectory</c> says otherwise.
    /// </summary>
    public ProjectionsBuilder UseSqlite(string dataDirectory)
    {
        Registration.DataDirectory = dataDirectory;
        return this;
    }

    /// <summary>Offers an event source from a store package; it is used when its option has a value.</summary>
    public ProjectionsBuilder UseEventSource(EventSourceProvider provider)
    {
        Registration.EventSources.RemoveAll(p => p.Option.ConfigKey == provider.Option.ConfigKey);
        Registration.EventSources.Add(provider);
        return this;
    }

    /// <summary>Offers a projection store from a store package; it is used when its option has a value.</summary>
    public ProjectionsBuilder UseProjectionStore(ProjectionStoreProvider provider)
    {
        Registration.ProjectionStores.RemoveAll(p => p.Option.ConfigKey == provider.Option.ConfigKey);
        Registration.ProjectionStores.Add(provider);
        return this;
    }

    /// <summary>
    /// Adds an option of the application (or a package): accepted on the command line, listed in the
    /// help, and readable from <c>IConfiguration</c> at <see cref="HostOption.ConfigKey"/>.
    /// </summary>
    public ProjectionsBuilder AddOption(HostOption option)
    {
        Registration.ApplicationOptions.Add(option);
        return this;
    }

    /// <summary>Adds an engine option (see <see cref="EngineSettings"/> for the built-in ones).</summary>
    public ProjectionsBuilder AddEngineSetting(EngineSetting setting)
    {
        Registration.EngineSettings.Add(setting);
        return this;
    }

    /// <summary>
    /// Adds a page of the application's own to the dashboard: bars computed from a projection's live
    /// aggregates (the plant sample's station view is one).
    /// </summary>
    public ProjectionsBuilder AddView(BarChartView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (Registration.ViewList.Any(v => v.Name == view.Name))
            throw new ArgumentException($"A view named '{view.Name}' is already added.", nameof(view));
        Registration.ViewList.Add(view);
        return this;
    }

    /// <summary>Adds a command to the command line beside run, status and verify.</summary>
    public ProjectionsBuilder AddCommand(ProjectionsCommand command)
    {
        Registration.Commands.Add(command);
        return this;
    }
}
