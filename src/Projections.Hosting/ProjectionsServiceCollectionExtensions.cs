using Projections.Hosting.Reconciliation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Projections.Core.Ports;
using Projections.Hosting.Composition;
using Projections.Hosting.Settings;
using Projections.Hosting.Web;

namespace Projections.Hosting;

/// <summary>Registers the projection engine, its stores, the HTTP API and the dashboard in an application's services.</summary>
public static class ProjectionsServiceCollectionExtensions
{
    /// <summary>
    /// Runs the projections that <paramref name="configure"/> adds, with the stores it chooses (the
    /// embedded SQLite stores when nothing is said), configured from the <c>Projections</c> section
    /// and validated when the host starts. Map the API and dashboard with
    /// <see cref="ProjectionsEndpointRouteBuilderExtensions.MapProjections"/>; give the application the
    /// command line with <see cref="ProjectionsCommandLine.RunAsync(string[], WebApplicationBuilder, CancellationToken)"/>.
    /// </summary>
    public static ProjectionsBuilder AddProjections(this IServiceCollection services, Action<ProjectionsBuilder>? configure = null)
    {
        var registration = ProjectionsRegistration.Find(services);
        if (registration is null)
        {
            registration = new ProjectionsRegistration();
            services.AddSingleton(registration);
            services.TryAddSingleton(TimeProvider.System);
            var settings = registration;
            services.AddValidatedSettings(configuration => HostSettingsReader.Read(configuration, settings));
            services.AddSingleton<ProjectionsRuntime>();
            services.AddHostedService<ProjectionsHostedService>();
            services.AddSingleton<ReconciliationReports>();
            services.AddHostedService<ReconciliationService>();
            services.AddSingleton<IEventSource>(sp => sp.GetRequiredService<ProjectionsRuntime>().Adapters.Source);
            services.AddSingleton<IProjectionStore>(sp => sp.GetRequiredService<ProjectionsRuntime>().Adapters.Store);
            services.AddProjectionsWeb();
        }
        var builder = new ProjectionsBuilder(services, registration);
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>
    /// Registers <c>IOptions&lt;T&gt;</c> read from configuration by <paramref name="read"/> and checked when the
    /// host starts: a <see cref="HostUserException"/> it throws (use <see cref="ValueParsers"/>) stops the host
    /// with that one line (exit code 2 under <see cref="ProjectionsCommandLine"/>).
    /// </summary>
    public static IServiceCollection AddValidatedSettings<T>(this IServiceCollection services, Func<IConfiguration, T> read) where T : class
    {
        services.AddSingleton<IOptionsFactory<T>>(sp => new ValidatedSettingsFactory<T>(sp.GetRequiredService<IConfiguration>(), read));
        services.AddOptions<T>().ValidateOnStart();
        return services;
    }
}
