using Microsoft.Extensions.Options;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Hosting.Composition;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;

namespace Projections.Hosting.Commands;

/// <summary>
/// What a command gets: the application's builder (options from the command line are already in its
/// configuration), the argument, the output streams and a stop token, and helpers that build the
/// application (without starting it) and open the configured stores.
/// </summary>
public sealed class CommandContext : IAsyncDisposable
{
    private WebApplication? _app;
    private ILoggerFactory? _loggers;

    internal CommandContext(WebApplicationBuilder builder, string? argument, TextWriter output, TextWriter error, CancellationToken stop, Action<WebApplication>? configureApp)
    {
        Builder = builder;
        Argument = argument;
        Output = output;
        Error = error;
        Stop = stop;
        ConfigureApp = configureApp;
    }

    /// <summary>The application's builder; a command may add services before it uses <see cref="App"/>.</summary>
    public WebApplicationBuilder Builder { get; }
    /// <summary>The positional argument, when the command has one and it was given.</summary>
    public string? Argument { get; }
    /// <summary>Where results go (stdout).</summary>
    public TextWriter Output { get; }
    /// <summary>Where errors go (stderr).</summary>
    public TextWriter Error { get; }
    /// <summary>Cancelled when the caller stops the command.</summary>
    public CancellationToken Stop { get; }
    internal Action<WebApplication>? ConfigureApp { get; }
    /// <summary>The configuration keys the command line set (run warns when a secret is among them: the process list shows it).</summary>
    internal IReadOnlyCollection<string> CommandLineKeys { get; init; } = [];

    /// <summary>The application, built on first use and not started.</summary>
    public WebApplication App => _app ??= Builder.Build();

    /// <summary>The validated settings (a bad option throws, becoming one line and exit code 2).</summary>
    public HostSettings Settings => App.Services.GetRequiredService<IOptions<HostSettings>>().Value;

    /// <summary>The registered projections.</summary>
    public IReadOnlyList<IProjection> Projections => App.Services.GetRequiredService<ProjectionsRuntime>().Projections;

    /// <summary>Warnings and errors as single lines on stderr, so a command's stdout stays its result.</summary>
    public ILoggerFactory Loggers => _loggers ??= CommandLogging.CreateFactory();

    /// <summary>Opens the configured event source and projection store and checks both answer.</summary>
    public Task<HostAdapters> OpenStoresAsync(bool needsWritableEvents = false, CancellationToken cancellationToken = default) =>
        App.Services.GetRequiredService<ProjectionsRuntime>().OpenAdapters(needsWritableEvents, Linked(cancellationToken));

    /// <summary>Opens only the configured event store, which must accept appends; dispose the owner when done.</summary>
    public Task<(IEventStore Events, IAsyncDisposable Owner)> OpenEventStoreAsync(CancellationToken cancellationToken = default) =>
        AdapterFactory.OpenWritableEvents(Settings, App.Configuration, Linked(cancellationToken));

    /// <summary>Ctrl+C and SIGTERM cancel the returned source (and <see cref="Stop"/> does) instead of killing the process.</summary>
    public CancellationTokenSource StopOnSignals()
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(Stop);
        _signals.Add(StopSignals.Register(stop));
        return stop;
    }

    private readonly List<StopSignals> _signals = [];

    private CancellationToken Linked(CancellationToken token) => token.CanBeCanceled ? token : Stop;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var signals in _signals) signals.Dispose();
        _loggers?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}
