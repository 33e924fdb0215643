using System.Reflection;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// A store that keeps no leases (a user's decorator around a real store, say) serves one host: the engine
/// grants itself every lease and writes unfenced. It must not send that self-granted lease as a fence, or a
/// store underneath that does check fences refuses every batch and the projection never reaches its head.
/// </summary>
public sealed class StoreWithoutLeasesTests
{
    [Fact]
    public async Task A_decorated_store_without_leases_is_written_unfenced_and_reaches_the_head()
    {
        var harness = Harness.Create(new CounterProjection());
        var fences = new List<Lease?>();
        harness.Store.AfterWrite = batch => fences.Add(batch.Fence);
        for (var i = 0; i < 20; i++) harness.Append($"c-{i % 4}", new Bumped(i));
        var head = (await harness.AllEvents())[^1].Position;

        await using var engine = new ProjectionEngine(harness.Events, LeaselessStore.Around(harness.Store), harness.Projections,
            Harness.DefaultOptions, harness.Time, harness.Logs);
        await engine.StartAsync(Harness.Cancel());
        await engine.Find("counter")!.WaitForCheckpoint(head, Harness.Cancel());

        fences.Should().NotBeEmpty().And.OnlyContain(fence => fence == null, "a lease nobody stored fences nothing");
        harness.Logs.AtLeast(LogLevel.Warning).Should().ContainSingle(line => line.Message.Contains("keeps no leases: run one host"),
            "an operator must learn that this store cannot keep a second host out");
        (await harness.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    /// <summary>Forwards <see cref="IProjectionStore"/> only, hiding the inner store's <see cref="ILeaseStore"/>.</summary>
    public class LeaselessStore : DispatchProxy
    {
        private InMemoryProjectionStore _inner = null!;

        public static IProjectionStore Around(InMemoryProjectionStore inner)
        {
            var proxy = Create<IProjectionStore, LeaselessStore>();
            ((LeaselessStore)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            try { return targetMethod!.Invoke(_inner, args); }
            catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
        }
    }
}
