using Projections.Hosting.Commands;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;
using Projections.Hosting.Views;

namespace Projections.Hosting;

/// <summary>
/// What <see cref="ProjectionsServiceCollectionExtensions.AddProjections"/> and the packages registered:
/// stores, options and commands. The command line, the settings and the help are built from it.
/// </summary>
public sealed class ProjectionsRegistration
{
    internal List<EventSourceProvider> EventSources { get; } = [];
    internal List<ProjectionStoreProvider> ProjectionStores { get; } = [];
    internal List<EngineSetting> EngineSettings { get; } = [.. Settings.EngineSettings.All];
    internal List<HostOption> ApplicationOptions { get; } = [];
    internal List<ProjectionsCommand> Commands { get; } = [];
    internal string? DataDirectory { get; set; }
    internal List<BarChartView> ViewList { get; } = [];

    /// <summary>The application's pages on the dashboard, in the order they were added.</summary>
    public IReadOnlyList<BarChartView> Views => ViewList;

    /// <summary>The path prefix <c>MapProjections</c> mapped the API and dashboard under ("" = the root); null before it was called.</summary>
    public string? MappedPrefix { get; internal set; }

    /// <summary>Every option the host accepts, in the order the help lists them.</summary>
    public IReadOnlyList<HostOption> Options =>
    [
        HostOptionCatalog.DataDirectory,
        .. EventSources.SelectMany(p => (IEnumerable<HostOption>)[p.Option, .. p.MoreOptions]),
        .. ProjectionStores.SelectMany(p => (IEnumerable<HostOption>)[p.Option, .. p.MoreOptions]),
        .. EngineSettings.Select(s => s.Option),
        .. ApplicationOptions,
        .. HostOptionCatalog.Web,
    ];

    /// <summary>The commands added beside run, status and verify.</summary>
    public IReadOnlyList<ProjectionsCommand> ExtraCommands => Commands;

    internal static ProjectionsRegistration? Find(IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(ProjectionsRegistration))?.ImplementationInstance as ProjectionsRegistration;
}
