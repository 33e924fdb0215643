using Projections.Host.Composition;
using Projections.Host.Configuration;
using Projections.Host.Progress;
using Projections.Host.Simulation;

namespace Projections.Host.Commands;

/// <summary>
/// <c>simulate</c>: appends the plant workload to the event store without projecting, until
/// --duration or --total-events is reached or Ctrl+C / SIGTERM (what was produced is appended first).
/// </summary>
public static class SimulateCommand
{
    public static async Task<int> Execute(CommandContext context)
    {
        var settings = context.Settings;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Stop);
        using var signals = StopSignals.Register(stop);
        var (events, owner) = await AdapterFactory.OpenWritableEvents(settings, stop.Token);
        await using var _ = owner;

        using var loggers = CommandLogging.CreateFactory();
        var runner = new SimulatorRunner(events, settings.Simulator, TimeProvider.System, loggers.CreateLogger<SimulatorRunner>());
        await context.Output.WriteLineAsync($"Simulating the plant into {events.Description} (Ctrl+C stops)");

        var run = runner.RunAsync(stop.Token);
        var interval = settings.ProgressInterval ?? ProgressModeResolver.DefaultInterval(ProgressMode.Plain);
        using (var timer = new PeriodicTimer(interval))
        {
            while (await Task.WhenAny(run, timer.WaitForNextTickAsync().AsTask()) != run)
            {
                if (settings.Progress != ProgressMode.Off)
                    await context.Output.WriteLineAsync($"[{ProgressFormat.Clock(DateTimeOffset.UtcNow)}] simulator: {PlainProgressRenderer.Simulator(runner.Progress())}");
            }
        }

        var final = await run;
        if (runner.Progress().Error is { } error)
        {
            await context.Error.WriteLineAsync($"error: simulator failed: {error}");
            return ExitCodes.Failed;
        }
        if (final is null)
        {
            await context.Output.WriteLineAsync("Stopped before anything was appended.");
            return ExitCodes.Ok;
        }
        await context.Output.WriteLineAsync(
            $"Appended {ProgressFormat.Count(final.EventsAppended)} events ({ProgressFormat.Count(final.TotalEventsAppended)} by this simulator in total), " +
            $"{ProgressFormat.Count(final.ItemsStarted)} items started, {ProgressFormat.Count(final.ItemsCompleted)} completed, plant time {final.PlantTime:u}");
        return ExitCodes.Ok;
    }
}
