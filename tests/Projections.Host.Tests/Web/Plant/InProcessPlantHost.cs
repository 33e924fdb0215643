using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PlantTracking.Items;
using PlantTracking.Stations;
using Projections.Core;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Host.Web;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;
using Xunit;

namespace Projections.Host.Tests.Web.Plant;

/// <summary>
/// The engine over the SQLite default with the plant projections and the web layer on Kestrel
/// (127.0.0.1, free port), composed in-process the way the host composes them.
/// </summary>
public sealed class InProcessPlantHost : IPlantHost
{
    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly SqliteEventStore _events;
    private readonly SqliteProjectionStore _store;

    private InProcessPlantHost(WebApplication app, string directory, SqliteEventStore events, SqliteProjectionStore store)
    {
        _app = app;
        _directory = directory;
        _events = events;
        _store = store;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
        Plant = new PlantEvents(events);
    }

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public IEventStore Events => _events;
    public PlantEvents Plant { get; }

    public static async Task<InProcessPlantHost> Start(string? adminToken = null)
    {
        var directory = Directory.CreateTempSubdirectory("projections-web-").FullName;
        var events = new SqliteEventStore(Path.Combine(directory, "events.db"));
        var store = new SqliteProjectionStore(Path.Combine(directory, "projections.db"));
        await events.Initialize(TestContext.Current.CancellationToken);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{WebOptions.Section}:AdminToken"] = adminToken });
        builder.Services.AddSingleton<IEventStore>(events);
        builder.Services.AddSingleton<IEventSource>(events);
        builder.Services.AddSingleton<IProjectionStore>(store);
        builder.Services.AddSingleton(sp => new ProjectionEngine(events, store,
            new IProjection[] { new PlantItemsProjection(), new StationLoadProjection() },
            new ProjectionEngineOptions { Partitions = 2, MaxFlushInterval = TimeSpan.FromMilliseconds(200) },
            TimeProvider.System, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService<EngineLifetime>();
        builder.Services.AddProjectionsWeb(builder.Configuration);
        var app = builder.Build();
        app.MapProjectionsWeb();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new InProcessPlantHost(app, directory, events, store);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _events.Dispose();
        _store.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* a file still open on a slow shutdown: leave the temp dir */ }
    }

    private sealed class EngineLifetime(ProjectionEngine engine) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(cancellationToken);
    }
}
