using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// A rebuild preview across real hosts: the rolling deploy's "preview, diff, switch" while events keep
/// arriving. The preview is built by whichever host holds its lease, carried on by another after kill -9,
/// never switched to by itself, and once switched every host follows.
/// </summary>
public sealed partial class SeveralHostsTests
{
    [Fact]
    public async Task A_preview_survives_a_kill_of_its_builder_diffs_clean_and_every_host_follows_its_switch()
    {
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<AppProcess> hosts = [await StartHost(), await StartHost()];
        await WaitForProgress(writers, await HolderOf(Items, hosts, writers));

        // The new version starts beside the old ones with a preview of plant-items.
        hosts.Add(await StartHost("--rebuild", Items, "--preview"));
        var firstBuilder = await Eventually.Value(() => Task.FromResult(WriterOf(writers, generation: 2)), StartDeadline + CatchUpDeadline,
            () => $"nobody wrote the preview (generation 2):\n{Tail(hosts)}", TimeSpan.FromMilliseconds(100));
        var builder = hosts.Single(h => OwnerOf(h) == firstBuilder);
        builder.Kill();
        hosts.Remove(builder);
        Log($"killed the preview's builder {firstBuilder}");

        var successor = await Eventually.Value(() => Task.FromResult(WriterOf(writers, generation: 2) is { } w && w != firstBuilder ? w : null),
            LeaseTakeoverBound + CatchUpDeadline, () => $"no host carried the preview on after its builder was killed:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(100));
        Log($"{successor} carries the preview on");

        // Caught up and following live events, and still not switched to: the old generation keeps serving.
        var activeCheckpoint = Newest(writers, 1)!.Position;
        await Eventually.Until(() => Newest(writers, 2) is { } s && s.Position > activeCheckpoint, CatchUpDeadline,
            () => $"the preview did not catch up past {activeCheckpoint}:\n{Tail(hosts)}");
        var status = await Status();
        status.Should().Contain($"{Items}: generation 1,").And.Contain("preview generation 2 (switch or discard it)", "no host switches to a preview by itself");

        // The same code built twice (with a kill in between) gives the same documents: a clean diff.
        var (diffExit, diff) = await AppProcess.Run(Args("diff", Items), CommandDeadline);
        Log("diff:\n" + diff);
        diffExit.Should().Be(0, diff);
        diff.Should().Contain("-> generation 2 (preview,").And.Contain(" 0 added, 0 removed, 0 changed, ",
            "a preview of unchanged code, rebuilt across a kill -9, matches the active generation");

        // Switch (refused while the preview is a flush behind the active generation, so retried), and every host follows.
        await Eventually.Value(async () =>
        {
            var (exitCode, output) = await AppProcess.Run(Args("switch", Items), CommandDeadline);
            return exitCode == 0 ? output : null;
        }, CatchUpDeadline, () => $"switch {Items} was refused for a minute:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(300));
        var switchedAt = DateTime.UtcNow;
        await Eventually.Until(() => writers.Samples.Any(s => s.Projection == Items && s.Generation == 2 && s.At > switchedAt), CatchUpDeadline,
            () => $"nobody wrote generation 2 after the switch:\n{Tail(hosts)}");
        (await Status()).Should().Contain($"{Items}: generation 2,").And.NotContain("preview generation");
        writers.Samples.Where(s => s.Projection == Items && s.Generation == 1 && s.At > switchedAt.AddSeconds(1)).Should()
            .BeEmpty("the switch dropped generation 1 and revoked its lease, so nobody writes it any more");
        hosts.Should().OnlyContain(h => !h.HasExited && !h.Output.Contains("error"), "following a switch made elsewhere is not a failure");

        writers.Violations().Should().BeEmpty();
        await StopAllAndVerify(simulator, hosts, writers);
    }

    private static string? WriterOf(CheckpointWriters writers, int generation) => Newest(writers, generation)?.Writer;

    private static CheckpointWriters.Sample? Newest(CheckpointWriters writers, int generation) =>
        writers.Samples.LastOrDefault(s => s.Projection == Items && s.Generation == generation && s.Writer is not null);

    private async Task<string> Status()
    {
        var (exitCode, output) = await AppProcess.Run(Args("status"), CommandDeadline);
        exitCode.Should().Be(0, output);
        return output;
    }
}
