using Projections.Hosting.Settings;
using Spectre.Console;

namespace Projections.Hosting.Progress;

/// <summary>
/// Shows progress while the host runs: a live Spectre.Console table on a terminal, plain lines
/// otherwise. Starts drawing once the host has started, after the startup banner.
/// </summary>
internal sealed class ProgressReporter(
    Func<ProgressSnapshot> takeSnapshot,
    HostBanner banner,
    ProgressMode mode,
    TimeSpan interval,
    RecentLogLines recentLogs,
    TextWriter output,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (stoppingToken.IsCancellationRequested) return;

        foreach (var line in banner.Lines()) await output.WriteLineAsync(line);
        try
        {
            if (mode == ProgressMode.Live) await RunLive(stoppingToken);
            else if (mode == ProgressMode.Plain) await RunPlain(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunPlain(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var line in PlainProgressRenderer.Render(takeSnapshot())) await output.WriteLineAsync(line);
        }
    }

    private async Task RunLive(CancellationToken stoppingToken)
    {
        await AnsiConsole.Live(LiveProgressRenderer.Render(takeSnapshot(), recentLogs.Snapshot()))
            .AutoClear(false)
            .StartAsync(async context =>
            {
                using var timer = new PeriodicTimer(interval, time);
                try
                {
                    while (await timer.WaitForNextTickAsync(stoppingToken))
                    {
                        context.UpdateTarget(LiveProgressRenderer.Render(takeSnapshot(), recentLogs.Snapshot()));
                        context.Refresh();
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Leave the last table on screen; the final summary follows it.
                }
            });
    }
}
