using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// A preview of a sharded projection across real hosts (design.md "Preview generations"): its shards are built by several
/// hosts, one of them killed -9 and carried on by another, no shard switches by itself, the diff compares each document as of
/// its own shards' checkpoints and comes out clean, and once switched every host follows.
/// </summary>
public sealed partial class SeveralHostsTests
{
    [Fact]
    public async Task A_sharded_preview_built_by_several_hosts_survives_a_kill_diffs_clean_and_every_host_follows_its_switch()
    {
        const int shards = 2;
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<AppProcess> hosts = [await StartHost("--shards", $"{shards}"), await StartHost("--shards", $"{shards}")];
        await WaitForShares(writers, hosts, [1, 1], "two hosts write one shard each of generation 1", shards);

        var previewing = AppProcess.Start(Args(["run", "--no-simulate", "--shards", $"{shards}", "--rebuild", Items, "--preview"]));
        _processes.Add(previewing);
        hosts.Add(previewing);
        var builder = await Eventually.Value(() => Task.FromResult(hosts.FirstOrDefault(h => BuiltShards(h).Count > 0)), StartDeadline + CatchUpDeadline,
            () => $"no host built a shard of the preview:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(10));
        builder.Kill();
        var (killedOwner, killedShards) = (OwnerOf(builder), BuiltShards(builder));
        hosts.Remove(builder);
        Log($"killed {killedOwner} -9 while it built preview shard(s) {string.Join(", ", killedShards)}");

        // Every shard of the preview caught up with its active shard and keeps following; still nobody switched to it.
        await Eventually.Until(() => Enumerable.Range(0, shards).All(s =>
                writers.Samples.LastOrDefault(x => x is { Projection: Items, Generation: 2 } && x.Shard == s) is { Writer: { } w } p2 && w != killedOwner
                && writers.Samples.LastOrDefault(x => x is { Projection: Items, Generation: 1 } && x.Shard == s) is { } p1 && p2.Position >= p1.Position),
            LeaseTakeoverBound + CatchUpDeadline, () => $"not every shard of the preview caught up after its builder was killed:\n{Tail(hosts)}");
        (await Status()).Should().Contain($"{Items}: generation 1 ({shards} shards),").And.Contain("preview generation 2 (switch or discard it)", "no shard of a preview switches by itself");

        var (diffExit, diff) = await AppProcess.Run(Args("diff", Items), CommandDeadline);
        Log("diff:\n" + diff);
        diffExit.Should().Be(0, diff);
        diff.Should().Contain("-> generation 2 (preview,").And.Contain(" 0 added, 0 removed, 0 changed, ",
            "a sharded preview of unchanged code, rebuilt across a kill -9, matches the active generation shard by shard");

        await Eventually.Value(async () =>
        {
            var (exitCode, output) = await AppProcess.Run(Args("switch", Items), CommandDeadline);
            return exitCode == 0 ? output : null;
        }, CatchUpDeadline, () => $"switch {Items} was refused for a minute:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(300));
        await Eventually.Until(() => writers.DroppedAt(Items, 1) is { } dropped
                && Enumerable.Range(0, shards).All(s => writers.Latest(Items, s) is { Generation: 2 } c && c.At > dropped), CatchUpDeadline,
            () => $"not every shard of generation 2 was written after the switch:\n{Tail(hosts)}");
        (await Status()).Should().Contain($"{Items}: generation 2 ({shards} shards),").And.NotContain("preview generation");
        writers.Samples.Where(s => s is { Projection: Items, Generation: 1 } && s.At > writers.DroppedAt(Items, 1)).Should()
            .BeEmpty("the switch dropped generation 1 and revoked its leases, so nobody writes it any more");
        hosts.Should().OnlyContain(h => !h.HasExited && !h.Output.Contains("error") && !h.Output.Contains("fail: "), "following a switch made elsewhere is not a failure");

        writers.Violations().Should().BeEmpty();
        await StopAllAndVerify(simulator, hosts, writers);
    }
}
