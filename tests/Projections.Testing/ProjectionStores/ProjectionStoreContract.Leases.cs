using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

/// <summary>Leases and fenced writes (design.md "Several hosts"): every projection store is also the lease store.</summary>
public abstract partial class ProjectionStoreContract
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private ILeaseStore Leases => Store as ILeaseStore
        ?? throw new InvalidOperationException($"{Store.GetType().Name} does not implement {nameof(ILeaseStore)}: several hosts on it would both write.");

    private LeaseKey Shard(int generation = 1, int shard = 0) => new(Projection, generation, shard);

    private async Task<Lease> Acquire(string owner, TimeSpan ttl, int generation = 1, int shard = 0) =>
        await Leases.TryAcquire(Shard(generation, shard), owner, ttl, Ct) ?? throw new InvalidOperationException($"{owner} could not acquire {Shard(generation, shard)}.");

    [Fact]
    public async Task A_free_lease_is_acquired_and_another_owner_waits_while_it_is_held()
    {
        await EnsureOwnProjection();

        var lease = await Acquire("host-a", Long);

        lease.Should().Be(new Lease(Shard(), "host-a", lease.Epoch));
        lease.Epoch.Should().BePositive();
        (await Leases.TryAcquire(Shard(), "host-b", Long, Ct)).Should().BeNull("host-a holds the lease");
        var record = (await Leases.ReadLeases(Projection, Ct)).Should().ContainSingle().Subject;
        record.Key.Should().Be(Shard());
        record.Owner.Should().Be("host-a");
        record.Epoch.Should().Be(lease.Epoch);
        record.ExpiresAt.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(4));
    }

    [Fact]
    public async Task The_holder_acquiring_again_or_renewing_keeps_its_epoch()
    {
        await EnsureOwnProjection();
        var lease = await Acquire("host-a", Long);

        (await Acquire("host-a", Long)).Should().Be(lease);
        (await Leases.Renew(lease, Long, Ct)).Should().BeTrue();

        (await Leases.ReadLeases(Projection, Ct)).Single().Epoch.Should().Be(lease.Epoch);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_with_a_higher_epoch_and_the_old_holder_cannot_renew()
    {
        await EnsureOwnProjection();
        var old = await Acquire("host-a", Short);

        Lease? taken = null;
        await Eventually.Until(async () => (taken = await Leases.TryAcquire(Shard(), "host-b", Long, Ct)) is not null,
            TimeSpan.FromSeconds(10), "host-b takes the expired lease", Ct);

        taken!.Epoch.Should().BeGreaterThan(old.Epoch);
        (await Leases.Renew(old, Long, Ct)).Should().BeFalse("host-b owns the lease now");
        (await Leases.ReadLeases(Projection, Ct)).Single().Owner.Should().Be("host-b");
    }

    [Fact]
    public async Task A_released_lease_is_taken_at_once_and_a_stale_release_frees_nothing()
    {
        await EnsureOwnProjection();
        var first = await Acquire("host-a", Long);

        await Leases.Release(first, Ct);
        var second = await Acquire("host-b", Long);
        await Leases.Release(first, Ct);

        second.Epoch.Should().BeGreaterThan(first.Epoch);
        (await Leases.TryAcquire(Shard(), "host-c", Long, Ct)).Should().BeNull("host-a's late release must not free host-b's lease");
    }

    [Fact]
    public async Task Epochs_never_repeat_after_a_restart()
    {
        await EnsureOwnProjection();
        var first = await Acquire("host-a", Long);
        await Leases.Release(first, Ct);

        await Restart();

        (await Acquire("host-b", Long)).Epoch.Should().BeGreaterThan(first.Epoch);
    }

    [Fact]
    public async Task Leases_of_different_shards_and_generations_are_independent()
    {
        await EnsureOwnProjection();
        await Store.BeginGeneration(Projection, 2, [], Ct);

        await Acquire("host-a", Long, shard: 0);
        await Acquire("host-b", Long, shard: 1);
        await Acquire("host-c", Long, generation: 2);

        (await Leases.ReadLeases(Projection, Ct)).Select(l => (l.Key, l.Owner)).Should().BeEquivalentTo(new[]
        {
            (Shard(1, 0), "host-a"), (Shard(1, 1), "host-b"), (Shard(2, 0), "host-c"),
        });
    }

    [Fact]
    public async Task A_batch_fenced_by_the_current_epoch_is_written()
    {
        await EnsureOwnProjection();
        var lease = await Acquire("host-a", Long);

        await Store.WriteBatch(Batch(1, 10, Document("a", """{"n":1}""", 1, 10)) with { Fence = lease }, Ct);

        (await Load("a")).Version.Should().Be(1);
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10));
    }

    [Fact]
    public async Task A_writer_whose_lease_was_taken_over_writes_nothing()
    {
        await EnsureOwnProjection();
        var old = await Acquire("host-a", Short);
        await Store.WriteBatch(Batch(1, 10, Document("a", """{"n":1}""", 1, 10)) with { Fence = old }, Ct);
        Lease? taken = null;
        await Eventually.Until(async () => (taken = await Leases.TryAcquire(Shard(), "host-b", Long, Ct)) is not null,
            TimeSpan.FromSeconds(10), "host-b takes the expired lease", Ct);

        var stale = Batch(1, 30, Document("a", """{"n":3}""", 3, 30), Document("b", """{"n":1}""", 1, 30)) with { DeadLetters = [Letter(25)], Fence = old };
        var refused = await Store.Invoking(s => s.WriteBatch(stale, Ct)).Should().ThrowAsync<LeaseLostException>();

        refused.Which.Key.Should().Be(Shard());
        refused.Which.Epoch.Should().Be(old.Epoch);
        (await Load("a")).Version.Should().Be(1);
        (await Store.LoadDocument(Projection, 1, "b", Ct)).Should().BeNull();
        (await Store.CountDeadLetters(Projection, 1, Ct)).Should().Be(0);
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10));
        await Store.WriteBatch(Batch(1, 20, Document("a", """{"n":2}""", 2, 20)) with { Fence = taken }, Ct);
        (await Load("a")).Version.Should().Be(2);
    }

    [Fact]
    public async Task A_batch_fenced_by_a_lease_that_was_never_taken_is_refused()
    {
        await EnsureOwnProjection();

        var forged = new Lease(Shard(), "host-a", 1);

        await Store.Invoking(s => s.WriteBatch(Batch(1, 10, Document("a", "{}", 1, 10)) with { Fence = forged }, Ct)).Should().ThrowAsync<LeaseLostException>();
        (await Store.LoadDocument(Projection, 1, "a", Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Dropping_a_generation_fences_out_its_holder()
    {
        await EnsureOwnProjection();
        await Store.BeginGeneration(Projection, 2, [], Ct);
        var holder = await Acquire("host-a", Long);
        await Store.ActivateGeneration(Projection, 2, Ct);

        await Store.DropGeneration(Projection, 1, Ct);

        (await Leases.Renew(holder, Long, Ct)).Should().BeFalse("the generation it leased is gone");
        (await Leases.TryAcquire(Shard(), "host-b", Long, Ct))!.Epoch.Should().BeGreaterThan(holder.Epoch);
    }

    [Fact]
    public async Task Beginning_a_generation_again_fences_out_an_earlier_builder()
    {
        await EnsureOwnProjection();
        await Store.BeginGeneration(Projection, 2, [], Ct);
        var builder = await Acquire("host-a", Long, generation: 2);
        await Store.WriteBatch(Batch(2, 10, Document("a", "{}", 1, 10)) with { Fence = builder }, Ct);

        await Store.BeginGeneration(Projection, 2, [], Ct);

        await Store.Invoking(s => s.WriteBatch(Batch(2, 20, Document("b", "{}", 1, 20)) with { Fence = builder }, Ct)).Should().ThrowAsync<LeaseLostException>();
        (await Store.LoadAllDocuments(Projection, 2, Ct).ToListAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_checkpoint_never_moves_backwards()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 50, Document("a", """{"n":5}""", 5, 50)), Ct);

        // A writer that lagged behind (an old epoch that was not yet fenced, or a replay) writes an older checkpoint.
        await Store.WriteBatch(Batch(1, 40, Document("b", """{"n":1}""", 1, 40)), Ct);

        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(50));
        (await Load("b")).Version.Should().Be(1, "documents are still written; only the checkpoint stays");
    }

    [Fact]
    public async Task Stream_time_still_advances_at_the_same_checkpoint()
    {
        // Idle ticks move stream time while the position stays.
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 50), Ct);

        await Store.WriteBatch(Batch(1, 50) with { Checkpoint = new ProjectionCheckpoint(GlobalPosition.Of(50), Noon.AddHours(1)) }, Ct);

        (await Store.LoadCheckpoint(Projection, 1, Ct)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(50), Noon.AddHours(1)));
    }
}
