using System.Text.RegularExpressions;
using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// The rolling deploy of a sharded projection (design.md "Shards", "Rebuild with shards"): two hosts write plant-items in
/// shards while the simulator appends, a third starts with <c>--rebuild plant-items</c> (with the same shard count, or with
/// another one set for plant-items alone, as a new version's configuration would), and the first host seen building a shard
/// of generation 2 is killed -9. Another host carries that shard on, the switch is recorded once, every host follows it, and
/// nobody writes generation 1 once it is dropped.
/// </summary>
public sealed partial class SeveralHostsTests
{
    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    public async Task A_host_started_with_rebuild_rebuilds_a_sharded_projection_once_across_hosts_through_a_kill_of_a_builder(int shards, int rebuiltShards)
    {
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<AppProcess> hosts = [await StartHost("--shards", $"{shards}"), await StartHost("--shards", $"{shards}")];
        await WaitForShares(writers, hosts, [1, 1], "two hosts write one shard each of generation 1", shards);
        await Eventually.Until(() => Enumerable.Range(0, shards).All(s => writers.Latest(Items, s) is { Generation: 1, Position: > 30 }), StartDeadline,
            () => $"generation 1 makes no progress on every shard:\n{Tail(hosts)}");

        // The new version starts beside the old ones; its configuration gives plant-items rebuiltShards shards (the others keep theirs).
        var environment = rebuiltShards == shards ? null : new Dictionary<string, string> { [$"PROJECTIONS__PROJECTIONS__{Items}__SHARDS"] = $"{rebuiltShards}" };
        var rebuilding = AppProcess.Start(Args(["run", "--no-simulate", "--shards", $"{shards}", "--rebuild", Items]), environment);
        _processes.Add(rebuilding);
        hosts.Add(rebuilding);
        Log($"started host {_processes.Count - 1} --rebuild {Items} with {rebuiltShards} shard(s) for it");

        // A host logs that it builds a shard before its pipeline reads anything, so the kill lands while that shard is being built.
        var builder = await Eventually.Value(() => Task.FromResult(hosts.FirstOrDefault(h => BuiltShards(h).Count > 0)), StartDeadline + CatchUpDeadline,
            () => $"no host built a shard of generation 2:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(10));
        builder.Kill();
        var killedShards = BuiltShards(builder);
        var killedOwner = OwnerOf(builder);
        hosts.Remove(builder);
        Log($"killed {killedOwner} -9 while it built generation 2 shard(s) {string.Join(", ", killedShards)}"
            + (hosts.Any(RecordedTheSwitch) ? " (the switch was already recorded)" : ""));

        var switched = await Eventually.Value(() => Task.FromResult(hosts.FirstOrDefault(RecordedTheSwitch)), LeaseTakeoverBound + 2 * CatchUpDeadline,
            () => $"generation 2 was not switched to after the kill:\n{Tail(hosts)}");
        await Eventually.Until(() => writers.DroppedAt(Items, 1) is not null, CatchUpDeadline, () => $"generation 1 was not dropped after the switch:\n{Tail(hosts)}");
        Log($"{OwnerOf(switched)} recorded the switch; generation 1 dropped");
        foreach (var shard in killedShards)
            await Eventually.Until(() => writers.Samples.Any(s => s is { Projection: Items, Generation: 2 } && s.Shard == shard && s.Writer is { } w && w != killedOwner), CatchUpDeadline,
                () => $"no other host carried generation 2 shard {shard} on after its builder was killed:\n{Tail(hosts)}");
        await Eventually.Until(() => Enumerable.Range(0, rebuiltShards).All(s => writers.Latest(Items, s) is { Generation: 2 } c && c.At > writers.DroppedAt(Items, 1)),
            CatchUpDeadline, () => $"not every shard of generation 2 is written after the switch:\n{Tail(hosts)}");

        hosts.Count(RecordedTheSwitch).Should().Be(1, "the switch is recorded once, by one host, however many built shards of generation 2");
        writers.Samples.Where(s => s is { Projection: Items, Generation: 1 } && s.At > writers.DroppedAt(Items, 1)).Should()
            .BeEmpty("dropping generation 1 revoked its leases, so no host writes it after the switch");
        writers.Samples.Where(s => s is { Projection: Items, Generation: > 2 }).Should().BeEmpty("the rebuild is carried out once, never started again");
        writers.Samples.Where(s => s is { Projection: Items, Generation: 2 }).Select(s => s.Shard).Distinct().Order().Should().Equal(Enumerable.Range(0, rebuiltShards));
        (await Status()).Should().Contain($"{Items}: generation 2{(rebuiltShards > 1 ? $" ({rebuiltShards} shards)" : "")},");
        hosts.Should().OnlyContain(h => !h.HasExited && !h.Output.Contains("error") && !h.Output.Contains("fail: "),
            "every host follows the switch made elsewhere without an error");

        writers.Violations().Should().BeEmpty();
        await StopAllAndVerify(simulator, hosts, writers);
    }

    /// <summary>The shards of generation 2 this host said it builds.</summary>
    private static List<int> BuiltShards(AppProcess host) =>
        host.Lines.Select(l => BuildingShard().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    private static bool RecordedTheSwitch(AppProcess host) =>
        host.Lines.Any(l => l.Contains($"Projection {Items}: every shard of generation 2 caught up; this host recorded the switch"));

    [GeneratedRegex(@"Projection plant-items: building generation 2 shard (\d+)")]
    private static partial Regex BuildingShard();
}
