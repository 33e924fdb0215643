using Microsoft.Extensions.Logging;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Records this host in the store's host registry every <see cref="ProjectionEngineOptions.LeaseRenewInterval"/>,
/// alive for <see cref="ProjectionEngineOptions.LeaseTimeToLive"/> like a lease, and signs off on a clean stop
/// (after the leases were released). Informational only: a missed heartbeat never stops a writer.
/// </summary>
internal sealed class HostHeartbeat(IHostRegistry registry, string hostId, Func<string?> address, ProjectionEngineOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>How long a host that went away stays listed as gone before a heartbeat of another host forgets it.</summary>
    public static readonly TimeSpan ForgetGoneAfter = TimeSpan.FromHours(1);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private bool _failing;

    /// <summary>Records the host once (so it is listed as soon as the engine runs), then keeps beating in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Beat(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(Loop, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        try
        {
            await registry.SignOff(hostId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Signing off host {HostId} failed; its heartbeat runs out by itself", hostId);
        }
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.LeaseRenewInterval, time, _stop.Token).ConfigureAwait(false);
                await Beat(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
        }
    }

    private async Task Beat(CancellationToken cancellationToken)
    {
        try
        {
            await registry.Heartbeat(new HostBeat(hostId, address()), options.LeaseTimeToLive, ForgetGoneAfter, cancellationToken).ConfigureAwait(false);
            _failing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An unavailable store is one outage, reported by the projections; anything else once per streak.
            var level = _failing || ex is ProjectionStoreUnavailableException ? LogLevel.Debug : LogLevel.Warning;
            logger.Log(level, ex, "Recording host {HostId} in the store failed: {Message}", hostId, ex.Message);
            _failing = true;
        }
    }
}
