using Microsoft.Extensions.Logging;
using Projections.Core.Events;

namespace Projections.Core.Runtime;

/// <summary>"Park this event and continue": the operator's move for a projection stopped on a poison event or timer.</summary>
internal sealed partial class ShardRuntime
{
    /// <summary>
    /// Restarts the stopped active generation from its checkpoint with one exception: the event (or
    /// timer) it stopped on is parked as a dead letter, written with the checkpoint that passes it
    /// (design.md invariant 7), whatever the poison policy. Returns what was parked.
    /// </summary>
    /// <param name="actor">Who asked (the admin token's name, or the CLI user); logged and kept in the dead letter's reason.</param>
    /// <param name="expectedPosition">When given, the position the caller saw the projection stop at; a different stop is refused.</param>
    /// <exception cref="InvalidOperationException">The projection is not stopped on an event or timer, or stopped somewhere else than expected.</exception>
    public async Task<string> ParkAndContinue(string actor, GlobalPosition? expectedPosition, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped) throw new InvalidOperationException($"Projection '{Name}' is shutting down.");
            var stopped = _active is { Lease: not null, LostLease: false } a ? a
                : throw new InvalidOperationException($"Projection '{Name}' is not running on this host (another host holds its lease); park the event there.");
            if (stopped.Status != ProjectionStatus.Stopped || stopped.Error is not ProjectionFailedException failure)
                throw new InvalidOperationException($"Projection '{Name}' is not stopped on a poison event; there is nothing to park.");
            var park = OperatorPark.For(failure, actor)
                ?? throw new InvalidOperationException($"Projection '{Name}' stopped on an error that is not an event or a timer ({failure.Message}); parking cannot pass it.");
            if (expectedPosition is { } expected && park.Position != expected)
                throw new InvalidOperationException($"Projection '{Name}' stopped at {park.Describe()}, not at position {expected}; nothing was parked.");

            await stopped.AbortAsync().ConfigureAwait(false);
            var checkpoint = await _store.LoadCheckpoint(Name, stopped.Generation, Shard, cancellationToken).ConfigureAwait(false);
            var next = NewPipeline(stopped.Generation, stopped.Lease!, park);
            next.LeaseRenewedAt = stopped.LeaseRenewedAt;
            await next.StartAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            next.Notifier = _hub;
            _active = next;
            _logger.LogWarning("Projection {Projection}: {Actor} parked {What} ({Error}) and restarted the projection after it",
                Name, actor, park.Describe(), failure.Message);
            _checkpointSignal.Set();
            return park.Describe();
        }
        finally { _lifecycle.Release(); }
    }
}
