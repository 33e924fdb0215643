using Projections.Hosting.Settings;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Projections.Core.Metrics;
using Projections.Hosting.Charts;

namespace Projections.Hosting.Web;

/// <summary>Wires the HTTP API, the page, health checks and Prometheus metrics into the host.</summary>
internal static class WebExtensions
{
    public static IServiceCollection AddProjectionsWeb(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>()
            .BindConfiguration(WebOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.AdminToken) || !string.IsNullOrWhiteSpace(o.AdminToken),
                $"{HostOptionCatalog.AdminToken.Display} is only whitespace; set a token, or leave it unset to disable admin actions.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, $"{WebOptions.Section}:HeartbeatInterval must be positive.")
            .Validate(o => o.ReadinessProbeTimeout > TimeSpan.Zero, $"{WebOptions.Section}:ReadinessProbeTimeout must be positive.")
            .Validate(o => o.MaxPageSize > 0, $"{WebOptions.Section}:MaxPageSize must be positive.")
            .Validate(o => o.MaxHistoryScan > 0, $"{WebOptions.Section}:MaxHistoryScan must be positive.")
            .Validate(o => o.MaxLiveStreams > 0, $"{HostOptionCatalog.MaxLiveStreams.Display} must be positive.")
            .Validate(o => o.MaxLiveStreamsPerClient > 0, $"{HostOptionCatalog.MaxLiveStreamsPerClient.Display} must be positive.")
            .Validate(o => o.MaxEntityScans > 0, $"{HostOptionCatalog.MaxEntityScans.Display} must be positive.")
            .Validate(o => o.LiveStreamWriteTimeout > TimeSpan.Zero, $"{WebOptions.Section}:LiveStreamWriteTimeout must be positive.")
            .Validate(o => o.LiveStreamBufferBytes > 0, $"{WebOptions.Section}:LiveStreamBufferBytes must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<IProjectionCatalog, EngineProjectionCatalog>();
        services.AddSingleton<AdminTokenGuard>();
        services.AddSingleton<LiveStreamGate>();
        services.AddSingleton<EntityScanGate>();
        services.AddSingleton<EntityFeeds>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProjectionCharts>();
        services.AddHostedService<ChartSampler>();
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("projections", tags: ["ready"]);
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("projections")).WithMetrics(metrics => metrics.AddMeter(ProjectionMetrics.MeterName).AddPrometheusExporter());
        return services;
    }

    public static RouteGroupBuilder MapProjectionsWeb(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var app = endpoints.MapGroup(prefix);
        var api = app.MapGroup("/api");
        api.AddEndpointFilter(UnavailableProjectionFilter.Invoke);
        ProjectionEndpoints.Map(api);
        ChartEndpoints.Map(api);
        ViewEndpoints.Map(api);
        HostEndpoints.Map(api);
        ParkEndpoint.Map(api);
        EntityEndpoints.Map(api);
        FieldValueEndpoints.Map(api);
        EntityHistoryEndpoints.Map(api);
        EntityStreamEndpoint.Map(api);

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.Write });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.Write });
        app.MapPrometheusScrapingEndpoint("/metrics");
        PageEndpoints.Map(app);
        return app;
    }
}
