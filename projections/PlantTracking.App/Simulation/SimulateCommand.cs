using Microsoft.Extensions.Options;
using Projections.Hosting;
using Projections.Hosting.Commands;
using Projections.Hosting.Progress;
using Projections.Hosting.Settings;

namespace PlantTracking.App.Simulation;

/// <summary>
/// <c>simulate</c>: appends the plant workload to the event store without projecting, until
/// --duration or --total-events is reached or Ctrl+C / SIGTERM (what was produced is appended first).
/// </summary>
public sealed class SimulateCommand() : ProjectionsCommand("simulate",
    "Append the plant workload without projecting (stops at --duration, --total-events or Ctrl+C).")
{
    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var settings = context.Settings;
        var simulator = context.App.Services.GetRequiredService<IOptions<SimulatorSettings>>().Value;
        using var stop = context.StopOnSignals();
        var (events, owner) = await context.OpenEventStoreAsync(stop.Token);
        await using var _ = owner;

        var runner = new SimulatorRunner(events, simulator, TimeProvider.System, context.Loggers.CreateLogger<SimulatorRunner>());
        await context.Output.WriteLineAsync($"Simulating the plant into {events.Description} (Ctrl+C stops)");

        var run = runner.RunAsync(stop.Token);
        var interval = settings.ProgressInterval ?? TimeSpan.FromSeconds(5);
        using (var timer = new PeriodicTimer(interval))
        {
            while (await Task.WhenAny(run, timer.WaitForNextTickAsync().AsTask()) != run)
            {
                if (settings.Progress != ProgressMode.Off)
                    await context.Output.WriteLineAsync($"[{ProgressFormat.Clock(DateTimeOffset.UtcNow)}] simulator: {SimulatorRunner.Describe(runner.Progress())}");
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
