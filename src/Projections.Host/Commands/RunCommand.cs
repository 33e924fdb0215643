using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using Projections.Core;
using Projections.Core.Runtime;
using Projections.Host.Composition;
using Projections.Host.Configuration;
using Projections.Host.Hosting;
using Projections.Host.Progress;
using Projections.Host.Simulation;
using Projections.Host.Web;
using Spectre.Console;

namespace Projections.Host.Commands;

/// <summary>
/// <c>run</c>: the engine with both sample projections, the web server and, on the embedded store,
/// the in-process simulator, until Ctrl+C / SIGTERM (then: simulator stops, engine flushes and checkpoints).
/// </summary>
public static class RunCommand
{
    public static async Task<int> Execute(CommandContext context)
    {
        var settings = context.Settings;
        var projections = HostProjections.Create();
        var rebuild = new RebuildRequest(HostProjections.ResolveNames(projections, context.Request.Target, "--rebuild"));
        var simulate = settings.UsesEmbeddedEventStore && settings.Simulator.Enabled;
        var mode = ProgressModeResolver.Resolve(settings.Progress, Console.IsOutputRedirected, AnsiConsole.Profile.Capabilities.Interactive);
        var recentLogs = new RecentLogLines();

        await using var adapters = await AdapterFactory.Open(settings, needsWritableEvents: simulate, context.Stop);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(context.Configuration);
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        ConfigureLogging(builder.Logging, mode, recentLogs);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(adapters.Source);
        services.AddSingleton(adapters.Store);
        if (adapters.Writable is { } writable) services.AddSingleton(writable);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ProjectionEngine(
            adapters.Source, adapters.Store, projections, settings.Engine, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(rebuild);
        services.AddHostedService<EngineHostedService>();
        if (simulate)
        {
            services.AddSingleton(sp => new SimulatorRunner(
                adapters.Writable!, settings.Simulator, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SimulatorRunner>>()));
            services.AddHostedService(sp => new SimulatorHostedService(sp.GetRequiredService<SimulatorRunner>()));
        }
        services.AddSingleton(recentLogs);
        services.AddHostedService(sp => new ProgressReporter(
            () => TakeSnapshot(sp),
            new HostBanner(adapters.Source.Description, adapters.Store.Description, projections.Select(p => p.Name).ToList(), simulate, sp.GetRequiredService<IServer>()),
            mode,
            settings.ProgressInterval ?? ProgressModeResolver.DefaultInterval(mode),
            recentLogs,
            context.Output,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddProjectionsWeb(builder.Configuration);

        await using var app = builder.Build();
        app.MapProjectionsWeb();

        try
        {
            await app.StartAsync(context.Stop);
        }
        catch (IOException e) when (e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
        {
            throw new HostUserException($"{e.Message} Choose another address with {Cli.HostOptionCatalog.Urls.Display}.", e);
        }
        catch (OperationCanceledException) when (context.Stop.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (OptionsValidationException e)
        {
            throw new HostUserException(e.Message, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            app.Logger.LogDebug(e, "Start failed");
            await context.Error.WriteLineAsync($"error: could not start: {e.Message}");
            return ExitCodes.Failed;
        }

        await app.WaitForShutdownAsync(context.Stop);
        return await Summarize(app.Services.GetRequiredService<ProjectionEngine>(), context.Output, context.Error);
    }

    private static ProgressSnapshot TakeSnapshot(IServiceProvider services) =>
        new(services.GetRequiredService<TimeProvider>().GetUtcNow(),
            services.GetRequiredService<ProjectionEngine>().Runtimes.Select(ProjectionProgress.From).ToList(),
            services.GetService<SimulatorRunner>()?.Progress());

    private static void ConfigureLogging(ILoggingBuilder logging, ProgressMode mode, RecentLogLines recentLogs)
    {
        logging.ClearProviders();
        if (mode == ProgressMode.Live)
        {
            logging.AddProvider(recentLogs);
            return;
        }
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.UseUtcTimestamp = true;
        });
    }

    /// <summary>After shutdown: where each projection stopped; exit 1 when one failed.</summary>
    private static async Task<int> Summarize(ProjectionEngine engine, TextWriter output, TextWriter error)
    {
        var failed = false;
        foreach (var runtime in engine.Runtimes)
        {
            var stats = runtime.GetStats();
            await output.WriteLineAsync($"{runtime.Name}: stopped at checkpoint {ProgressFormat.Position(stats.Checkpoint)} (generation {stats.Generation}, {ProgressFormat.Count(stats.EventsProcessed)} events this run)");
            if (runtime.Status == ProjectionStatus.Stopped && runtime.Error is { } e)
            {
                failed = true;
                await error.WriteLineAsync($"error: projection {runtime.Name} failed: {e.Message}");
            }
        }
        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
