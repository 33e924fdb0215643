using FluentAssertions;
using Projections.Core.Pipeline;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>MemoryBudget: the live working set is bounded by estimated bytes; only clean persisted aggregates leave.</summary>
public sealed class MemoryBudgetTests
{
    private const long Budget = 10 * (MemoryEstimate.EngineOverheadPerAggregate + 64);
    private static readonly ProjectionEngineOptions Budgeted = Harness.DefaultOptions with { Partitions = 1, MemoryBudget = Budget };

    [Fact]
    public async Task The_estimated_bytes_in_memory_stay_within_the_budget_and_evicted_aggregates_read_back()
    {
        await using var h = await Harness.Started(Budgeted, new CounterProjection());
        for (var batch = 0; batch < 6; batch++)
        {
            for (var k = 0; k < 10; k++) h.Append($"c-{batch * 10 + k}", new Bumped(0));
            await h.WaitForHead();
        }
        h.Append("c-0", new Bumped(1));
        await h.WaitForHead();

        var stats = h.Runtime().GetStats();
        stats.EstimatedLiveBytes.Should().BeLessThanOrEqualTo(Budget);
        stats.LiveAggregates.Should().BeLessThan(60);
        ((Counter)h.Runtime().GetLive("c-0")!.State).Trail.Should().Be("0,1,");
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    /// <summary>An undercount passes the upper bound above, and lets aggregates written once and never touched again exceed the budget.</summary>
    [Fact]
    public async Task A_flushed_aggregate_counts_its_stored_size_from_the_next_barrier_on()
    {
        await using var h = await Harness.Started(Budgeted, new CounterProjection());
        h.Append("c-1", new Bumped(0));
        await h.WaitForHead();
        h.Append("c-2", new Bumped(0)); // a later barrier: c-1's write has landed, so its serialized size is known
        await h.WaitForHead();

        var stored = await h.Store.LoadDocument("counter", 1, "c-1", Harness.Cancel());
        h.Runtime().GetStats().EstimatedLiveBytes.Should().BeGreaterThanOrEqualTo(2 * MemoryEstimate.EngineOverheadPerAggregate + stored!.StateJson.Length,
            "c-1 is counted with its state, although it has not changed since it was written");
    }

    /// <summary>
    /// The budget is the most the estimate may reach: an estimate exactly at the budget evicts nothing. Read
    /// while c-3's write is in the store: its barrier has counted c-1 and c-2 with their stored size, and no
    /// later barrier has counted c-3's yet (that would put the partition over the budget, rightly).
    /// </summary>
    [Fact]
    public async Task Aggregates_whose_estimate_reaches_the_budget_exactly_all_stay_in_memory()
    {
        var stateBytes = new CounterProjection().SerializeState(new Counter("c-1", 1, "0,")).Length;
        var budget = 3 * MemoryEstimate.EngineOverheadPerAggregate + 2 * stateBytes; // c-1 and c-2 flushed, c-3 not yet
        var h = Harness.Create(new CounterProjection());
        ProjectionStats? whileC3IsWritten = null;
        h.Store.BeforeWrite = (b, _) =>
        {
            if (b.Documents.Any(d => d.Key == "c-3")) whileC3IsWritten = h.Runtime().GetStats();
            return Task.CompletedTask;
        };
        await h.Start(Budgeted with { MemoryBudget = budget });
        await using var _ = h;
        h.Append("c-1", new Bumped(0));
        h.Append("c-2", new Bumped(0));
        await h.WaitForHead();
        h.Append("c-3", new Bumped(0));
        await h.WaitForHead();

        (await h.Store.LoadDocument("counter", 1, "c-2", Harness.Cancel()))!.StateJson.Length.Should().Be(stateBytes);
        whileC3IsWritten!.EstimatedLiveBytes.Should().Be(budget);
        whileC3IsWritten.LiveAggregates.Should().Be(3, "the estimate is at the budget, not over it");
    }

    [Fact]
    public async Task Aggregates_that_are_not_persisted_stay_in_memory_whatever_the_budget()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b.Documents.Count > 0 ? gate.Pass(ct) : Task.CompletedTask;
        await h.Start(Budgeted with { MemoryBudget = 1 });
        await using var _ = h;
        for (var k = 0; k < 30; k++) h.Append($"c-{k}", new Bumped(0));

        // EventsProcessed counts what the reader dispatched; an aggregate is applied when it is live. One
        // evicted before it was persisted would never show up here, and the wait fails. (A write in flight,
        // clean but not persisted, is EvictionTests' case.)
        await Eventually.Until(() => Enumerable.Range(0, 30).All(k => h.Runtime().GetLive($"c-{k}") is not null),
            "all 30 aggregates are applied and held in memory", TestContext.Current.CancellationToken);
        h.Runtime().GetStats().LiveAggregates.Should().Be(30, "none of them is persisted yet");
        gate.Open();
        await h.WaitForHead();
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public void The_default_budget_is_a_quarter_of_the_memory_available_and_zero_is_refused()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        new ProjectionEngineOptions().MemoryBudget.Should().Be((available > 0 ? available : MemoryEstimate.FallbackAvailableBytes) / 4);

        FluentActions.Invoking(() => ProjectionEngineOptionsValidation.Validate(new ProjectionEngineOptions { MemoryBudget = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*MemoryBudget*must be positive*");
    }
}
