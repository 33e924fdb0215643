using System.Reflection;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Losing a lease is a hand-over, not a failure: while the host lets go of the pipeline it reports Standby,
/// never Stopped, so nothing that waits on the projection (WaitForCheckpoint, readiness, a benchmark) gives
/// up on a projection that resumes at the next lease check. On a loaded machine a single host's own renewal
/// can run late, so this happens without a second host.
/// </summary>
public sealed class LeaseLossStatusTests
{
    [Fact]
    public async Task A_host_that_loses_its_lease_is_a_standby_and_a_waiter_sees_the_projection_resume()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness.Create(new CounterProjection());
        for (var i = 0; i < 20; i++) harness.Append($"c-{i % 4}", new Bumped(i));
        var store = LosingLeases.Around(harness.Store);
        await using var engine = new ProjectionEngine(harness.Events, store, harness.Projections, Harness.DefaultOptions, harness.Time, harness.Logs);
        await engine.StartAsync(ct);
        var runtime = engine.Find("counter")!;
        await runtime.WaitForCheckpoint((await harness.AllEvents())[^1].Position, ct);

        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waiter = runtime.WaitForCheckpoint(new GlobalPosition(ulong.MaxValue, ulong.MaxValue), stopWaiting.Token);
        ((LosingLeases)(object)store).RefuseRenewals = true;
        await Eventually.Until(() =>
        {
            harness.Time.Advance(Harness.DefaultOptions.LeaseRenewInterval);
            return runtime.Status == ProjectionStatus.Standby;
        }, "the host whose renewal was refused lets go of the pipeline", ct);
        waiter.IsFaulted.Should().BeFalse($"a lost lease is not a stopped projection: {waiter.Exception?.InnerException?.Message}");
        runtime.Error.Should().BeNull();

        ((LosingLeases)(object)store).RefuseRenewals = false;
        await Eventually.Until(() =>
        {
            harness.Time.Advance(Harness.DefaultOptions.LeaseRenewInterval);
            return runtime.Status == ProjectionStatus.Live;
        }, "the host takes the free lease again at its next check", ct);
        harness.Append("c-0", new Bumped(99));
        await runtime.WaitForCheckpoint((await harness.AllEvents())[^1].Position, ct);
        waiter.IsCompleted.Should().BeFalse("it waits for a position that never comes");
        await stopWaiting.CancelAsync();
        (await harness.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    /// <summary>A store whose lease renewals can be refused, as when another host took the lease after a renewal ran late.</summary>
    public interface ILeasingStore : IProjectionStore, ILeaseStore;

    public class LosingLeases : DispatchProxy
    {
        private InMemoryProjectionStore _inner = null!;
        public volatile bool RefuseRenewals;

        public static ILeasingStore Around(InMemoryProjectionStore inner)
        {
            var proxy = Create<ILeasingStore, LosingLeases>();
            ((LosingLeases)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (RefuseRenewals && targetMethod!.Name == nameof(ILeaseStore.Renew)) return Task.FromResult(false);
            try { return targetMethod!.Invoke(_inner, args); }
            catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
        }
    }
}
