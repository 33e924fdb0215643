using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Shards (design.md "Shards"): a projection split into N shards folds every key exactly as one shard does, timers
/// included (stream time is a function of the global order, so every shard stamps the same time on the same event),
/// and a shard skips the events of other shards' keys without reading their payload.
/// </summary>
public sealed class ShardTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public async Task One_two_and_three_shards_store_the_documents_of_the_reference_fold_and_of_each_other(int seed)
    {
        var documents = new List<Dictionary<string, string>>();
        var streamTimes = new List<DateTimeOffset?>();
        foreach (var shards in new[] { 1, 2, 3 })
        {
            await using var h = Harness.Create(new ZoneProjection());
            var workload = new ZoneWorkload(new Random(seed), h.Events);
            workload.Append(120);
            // Three partitions with three shards: keys must still spread over every partition of a shard.
            await h.Start(Harness.DefaultOptions with { Partitions = 3, Shards = shards, MaxBatchSize = 7 });
            workload.Append(40); // some arrive live
            await h.WaitForHead("zones");
            await h.Engine.StopAsync(Harness.Cancel());

            var result = await h.Verify(new ZoneProjection());
            result.Mismatches.Should().BeEmpty($"{shards} shard(s) fold as the reference does");
            result.Expected.Should().BeGreaterThan(5);
            documents.Add(await h.StoredStates("zones"));
            for (var shard = 0; shard < shards; shard++)
                streamTimes.Add((await h.Store.LoadCheckpoint("zones", 1, shard, Harness.Cancel()))!.StreamTime);
        }

        documents[1].Should().Equal(documents[0]);
        documents[2].Should().Equal(documents[0]);
        documents[0].Values.Should().Contain(d => d.Contains(",T"), "the workload fires timers");
        streamTimes.Distinct().Should().ContainSingle("every shard's stream time is the same function of the global order");
    }

    [Fact]
    public async Task A_shard_skips_another_shards_event_before_reading_its_payload()
    {
        await using var h = Harness.Create(new CounterProjection());
        var (bad, good) = StreamsOfTwoShards();
        h.Append(good, new Bumped(1));
        var poison = h.AppendRaw(bad, nameof(Bumped), "{ this is not json");
        h.Append(good, new Bumped(2));
        await h.Start(Harness.DefaultOptions with { Shards = 2 });
        var runtime = (ProjectionRuntime)h.Runtime();
        var badShard = KeyHash.Shard(bad, 2);

        await Eventually.Until(() => runtime.ServingShard(badShard)?.Status == ProjectionStatus.Stopped, "the shard of the poison event stops on it",
            TestContext.Current.CancellationToken);
        var other = runtime.ServingShard(1 - badShard)!;
        var head = await h.Events.ReadHeadPosition(Harness.Cancel());
        await Eventually.Until(() => other.Checkpoint?.Position >= head, "the other shard passes the poison event", TestContext.Current.CancellationToken);

        runtime.ServingShard(badShard)!.Error!.Message.Should().Contain(poison.Position.ToString());
        other.Error.Should().BeNull("the other shard never deserialized the event of a key that is not its own");
        other.Status.Should().Be(ProjectionStatus.Live);
        (await h.StoredStates("counter")).Keys.Should().Equal(good);
    }

    [Fact]
    public async Task Changing_the_shard_count_needs_a_rebuild_and_the_rebuild_records_the_new_count()
    {
        await using var h = Harness.Create(new ZoneProjection());
        new ZoneWorkload(new Random(5), h.Events).Append(60);
        await h.Start(Harness.DefaultOptions with { Shards = 1 });
        await h.WaitForHead("zones");
        await h.Engine.StopAsync(Harness.Cancel());

        await using var resharded = h.Restarted();
        await resharded.Start(Harness.DefaultOptions with { Shards = 3 });
        var runtime = (ProjectionRuntime)resharded.Runtime("zones");
        runtime.Status.Should().Be(ProjectionStatus.Stopped);
        runtime.Error.Should().BeOfType<ShardCountChangedException>().Which.Message.Should().Contain("--rebuild zones").And.Contain("1 shard");

        await resharded.Engine.StartRebuild("zones", Harness.Cancel());
        // The shards of generation 2 are leased and switched in lease rounds, which run every renew interval of the harness's clock.
        await Eventually.Until(() =>
        {
            resharded.Time.Advance(Harness.DefaultOptions.LeaseRenewInterval);
            return runtime.ActiveGeneration == 2 && runtime.ActiveShards == 3;
        }, "generation 2 with three shards becomes active", TestContext.Current.CancellationToken);
        runtime.Error.Should().BeNull();
        await resharded.WaitForHead("zones");
        await resharded.Engine.StopAsync(Harness.Cancel());
        (await resharded.Verify(new ZoneProjection(), 2)).Mismatches.Should().BeEmpty();
        (await h.Store.ReadGenerations("zones", Harness.Cancel())).ActiveShards.Should().Be(3);
    }

    [Fact]
    public async Task A_host_writing_no_shard_sees_each_shards_writer_lag_and_when_its_checkpoint_moved()
    {
        var options = Harness.DefaultOptions with { Shards = 2 };
        var first = Harness.Create(new CounterProjection());
        await using var _ = first;
        for (var i = 0; i < 20; i++) first.Append($"c-{i}", new Bumped(i));
        await first.Start(options);
        await first.WaitForHead();
        var second = first.Restarted();
        await using var __ = second;
        await second.Start(options);
        // Two hosts share two shards out in lease rounds: one each.
        await Eventually.Until(() =>
        {
            first.Time.Advance(options.LeaseRenewInterval);
            return first.Runtime().Shards.Count(v => v.Here) == 1 && second.Runtime().Shards.Count(v => v.Here) == 1;
        }, "the two hosts write one shard each", TestContext.Current.CancellationToken);

        // A third host: both others hold their share, so it takes nothing and is handed nothing; it writes no shard.
        var third = first.Restarted();
        await using var ___ = third;
        await third.Start(options);
        var writers = new[] { first, second }.ToDictionary(h => h.Runtime().Shards.Single(v => v.Here).Shard, h => ((ProjectionRuntime)h.Runtime()).Owner);
        var views = third.Runtime().Shards;
        views.Should().HaveCount(2).And.OnlyContain(v => !v.Here && v.Status == ShardStatus.Elsewhere && v.Owner == writers[v.Shard]);
        views.Select(v => v.LagPositions).Should().Equal([0UL, 0UL], "it reads the head itself; both shards are at it");
        views.Should().OnlyContain(v => v.CheckpointMovedAt == null, "it has not seen a checkpoint move yet");

        // New events: both writers flush them, and the third host's lease rounds read the checkpoints again.
        for (var i = 20; i < 40; i++) first.Append($"c-{i}", new Bumped(i));
        await Eventually.Until(() =>
        {
            third.Time.Advance(options.LeaseRenewInterval);
            return third.Runtime().Shards is [{ CheckpointMovedAt: not null }, { CheckpointMovedAt: not null }];
        }, "the third host sees both checkpoints move", TestContext.Current.CancellationToken);
        third.Runtime().Shards.Should().OnlyContain(v => !v.Here, "a host above the others' share takes no shard");
    }

    /// <summary>Two stream ids of the counter projection that fall in different shards of two.</summary>
    private static (string Bad, string Good) StreamsOfTwoShards()
    {
        var streams = Enumerable.Range(0, 20).Select(i => $"c-{i}").ToArray();
        var bad = streams.First(s => KeyHash.Shard(s, 2) == 0);
        return (bad, streams.First(s => KeyHash.Shard(s, 2) == 1));
    }
}
