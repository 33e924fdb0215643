using Xunit;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Hosting.Tests.Support;
using Projections.Sqlite;
using Projections.Sqlite.Events;
using Projections.Testing;

namespace Projections.Hosting.Tests.Web.RealRuntime;

/// <summary>
/// The real host in-process: <c>AddProjections</c> with the test projection on the embedded SQLite stores in a
/// temporary directory and <c>MapProjections</c>, served by ASP.NET Core's test server. The engine, its
/// runtime and its queries are the ones users run; events are appended through a second event store on the
/// same file, as another process would.
/// </summary>
internal sealed class EmbeddedHost : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TempDirectory _data;
    private readonly WebApplication _app;
    private readonly SqliteEventStore _events;

    private EmbeddedHost(TempDirectory data, WebApplication app)
    {
        _data = data;
        _app = app;
        Http = app.GetTestClient();
        _events = new SqliteEventStore(new SqliteStoreOptions(data.Combine("events.db")));
    }

    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration added to (or overriding) the defaults, e.g. engine or web options.</param>
    public static async Task<EmbeddedHost> Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var data = new TempDirectory();
        var builder = TestApp.Builder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Projections:DataDirectory"] = data.Path,
            ["Projections:Web:HeartbeatInterval"] = "00:00:01",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        var app = builder.Build();
        app.MapProjections();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new EmbeddedHost(data, app);
    }

    /// <summary>Appends one event to the item's stream ("item-&lt;key&gt;"), its type named after the record.</summary>
    public async Task<GlobalPosition> Append(string key, object payload)
    {
        var data = new EventData(Guid.NewGuid(), payload.GetType().Name, JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json));
        var result = await _events.Append("item-" + key, ExpectedRevision.Any, [data], TestContext.Current.CancellationToken);
        return result.Position;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _events.Dispose();
        _data.Dispose();
    }
}
