using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.EventSources;

/// <summary>
/// The contract of an event source behind a server that can go away and come back (EventStoreDB): every
/// <see cref="EventSourceContract"/> scenario, and a subscription that survives a restart of the server.
/// Embedded stores have no server to restart, so they derive from <see cref="EventSourceContract"/> instead.
/// </summary>
public abstract class RestartableEventSourceContract : EventSourceContract
{
    /// <summary>Skips (or fails, see <see cref="MissingServer"/>) the restart scenario when this server cannot be restarted here.</summary>
    protected abstract void RequireRestartableServer();

    /// <summary>Makes the server go away and come back with its data (kill and restart it).</summary>
    protected abstract Task RestartServer(CancellationToken cancellationToken);

    [Fact]
    public async Task After_the_server_restarts_the_subscription_resumes_without_skipping()
    {
        RequireRestartableServer();
        var head = await Store.ReadHeadPosition(Ct);
        var expected = new List<GlobalPosition>();
        await using var probe = Subscribe(head, OwnStreams());
        for (var i = 0; i < 10; i++) expected.Add((await AppendNumbered($"s-{i}", 0, 1)).Position);
        await probe.WaitForMatching(10, DeliveryTimeout);

        await RestartServer(Ct);
        for (var i = 10; i < 20; i++) expected.Add((await AppendNumbered($"s-{i}", 0, 1)).Position);
        await probe.WaitFor(() => probe.Matching.Select(e => e.Position).Distinct().Count() >= 20, DeliveryTimeout, "all 20 events delivered across the restart");

        // A duplicate after a reconnect is allowed (the engine's replay absorbs it); a gap is not.
        probe.Matching.Select(e => e.Position).Distinct().Should().Equal(expected);

        // The consumer must not count as live across the outage: Disconnected, then CaughtUp again after it.
        await probe.WaitFor(() => CaughtUpAfterLastDisconnect(probe), DeliveryTimeout, "caught-up again after the disconnect");
        var messages = probe.Messages.ToList();
        var disconnected = messages.FindIndex(m => m.Kind == SubscriptionMessageKind.Disconnected);
        disconnected.Should().BeGreaterThan(messages.FindIndex(m => m.Kind == SubscriptionMessageKind.CaughtUp),
            "the subscription says it lost the connection after it had caught up");
        messages.Take(disconnected).Count(m => m.Kind == SubscriptionMessageKind.Event && probe.Matching.Contains(m.Event!))
            .Should().BeGreaterThanOrEqualTo(10, "the outage came after the first ten events");
    }

    private static bool CaughtUpAfterLastDisconnect(SubscriptionProbe probe)
    {
        var messages = probe.Messages.ToList();
        var lastDisconnect = messages.FindLastIndex(m => m.Kind == SubscriptionMessageKind.Disconnected);
        return lastDisconnect >= 0 && messages.FindLastIndex(m => m.Kind == SubscriptionMessageKind.CaughtUp) > lastDisconnect;
    }
}
