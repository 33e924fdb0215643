using Xunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Projections.Core.Ports;
using Projections.Hosting.Tests.Web.Fakes;
using Projections.Hosting.Web;

namespace Projections.Hosting.Tests.Web;

/// <summary>
/// Kestrel on 127.0.0.1 with a free port serving exactly what the host maps (AddProjectionsWeb /
/// MapProjectionsWeb) over a <see cref="FakeProjectionCatalog"/> that the test drives.
/// </summary>
public sealed class WebTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebTestServer(WebApplication app, FakeProjectionRuntime items)
    {
        _app = app;
        Items = items;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public FakeProjectionRuntime Items { get; }
    public FakeProjectionCatalog Catalog => (FakeProjectionCatalog)_app.Services.GetRequiredService<IProjectionCatalog>();
    internal LiveStreamGate Gate => _app.Services.GetRequiredService<LiveStreamGate>();
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    public static async Task<WebTestServer> Start(string? adminToken = null, TimeSpan? heartbeat = null, IEventSource? eventSource = null, string prefix = "",
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{WebOptions.Section}:AdminToken"] = adminToken,
            [$"{WebOptions.Section}:HeartbeatInterval"] = (heartbeat ?? TimeSpan.FromSeconds(15)).ToString(),
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        var items = new FakeProjectionRuntime(new TestItemsProjection());
        builder.Services.AddSingleton<IProjectionCatalog>(new FakeProjectionCatalog(items));
        if (eventSource is not null) builder.Services.AddSingleton(eventSource);
        builder.Services.AddProjectionsWeb();
        var app = builder.Build();
        app.MapProjectionsWeb(prefix);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new WebTestServer(app, items);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
