using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Projections.Core;
using Projections.Core.Runtime;
using Projections.Hosting.Composition;
using Projections.Hosting.Progress;
using Projections.Hosting.Settings;
using Projections.Hosting.Web;
using Spectre.Console;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>run</c>: the application with its projections and the web server until Ctrl+C / SIGTERM (then:
/// the application's hosted services stop, the engine flushes and checkpoints). Its argument is
/// <c>--rebuild</c>'s value.
/// </summary>
internal sealed class RunCommand(ProjectionsRegistration registration)
    : ProjectionsCommand("run", "(default) Run the projections and the web server until Ctrl+C.")
{
    public const string RebuildOption = "--rebuild";

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var builder = context.Builder;
        var settings = HostSettingsReader.Read(builder.Configuration, registration);
        var mode = ProgressModeResolver.Resolve(settings.Progress, Console.IsOutputRedirected, AnsiConsole.Profile.Capabilities.Interactive);
        var recentLogs = new RecentLogLines();

        foreach (var warning in RunWarnings.For(settings, context.CommandLineKeys)) await context.Error.WriteLineAsync(warning);
        builder.WebHost.UseUrls([.. settings.Urls]);
        // The token may come from --admin-token-file; the web layer reads it from its options.
        builder.Services.PostConfigure<WebOptions>(o => o.AdminToken = settings.AdminToken);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelLimits.Apply(kestrel, settings));
        builder.Services.AddHostFiltering(o => o.AllowedHosts = [.. settings.AllowedHosts]);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        ConfigureLogging(builder.Logging, mode, recentLogs);
        builder.Services.AddSingleton(recentLogs);
        builder.Services.AddHostedService(sp => new ProgressReporter(
            () => TakeSnapshot(sp),
            ActivatorUtilities.CreateInstance<HostBanner>(sp),
            mode,
            settings.ProgressInterval ?? ProgressModeResolver.DefaultInterval(mode),
            recentLogs,
            context.Output,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<TimeProvider>()));

        // Errors are problem bodies in every environment: the developer page would show stacks and request headers.
        builder.Services.AddProblemDetails();
        var app = context.App;
        app.UseExceptionHandler();
        context.ConfigureApp?.Invoke(app);
        if (registration.MappedPrefix is null) app.MapProjections();
        var runtime = app.Services.GetRequiredService<ProjectionsRuntime>();
        runtime.RebuildOnStart = ProjectionNames.Resolve(runtime.Projections, context.Argument, RebuildOption);

        try
        {
            await app.StartAsync(context.Stop);
        }
        catch (IOException e) when (e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
        {
            throw new HostUserException($"{e.Message} Choose another address with {HostOptionCatalog.Urls.Display}.", e);
        }
        catch (OperationCanceledException) when (context.Stop.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is not OperationCanceledException and not HostUserException and not OptionsValidationException)
        {
            app.Logger.LogDebug(e, "Start failed");
            await context.Error.WriteLineAsync($"error: could not start: {e.Message}");
            return ExitCodes.Failed;
        }

        await app.WaitForShutdownAsync(context.Stop);
        return await Summarize(runtime.Engine, context.Output, context.Error);
    }

    private static ProgressSnapshot TakeSnapshot(IServiceProvider services)
    {
        var runtime = services.GetRequiredService<ProjectionsRuntime>();
        return new(services.GetRequiredService<TimeProvider>().GetUtcNow(),
            runtime.Started ? runtime.Engine.Runtimes.Select(ProjectionProgress.From).ToList() : [],
            services.GetServices<IProgressSource>().Select(s => s.Current()).OfType<ProgressLine>().ToList());
    }

    /// <summary>The console belongs to the progress display: the application's console logger is replaced.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging, ProgressMode mode, RecentLogLines recentLogs)
    {
        foreach (var console in logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
            logging.Services.Remove(console);
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
