using System.Diagnostics;
using System.Text.RegularExpressions;
using FluentAssertions;
using Projections.Host.Tests.Support;
using Xunit;

namespace Projections.Host.Tests.EndToEnd;

/// <summary>
/// Several hosts as child processes on one data directory (real files, default lease time-to-live of
/// 10 s): exactly one writes each projection, the others are standbys that take over after kill -9 or a
/// freeze, a clean stop hands over at once, and a rolling restart with --rebuild switches generations on
/// every host. <see cref="CheckpointWriters"/> watches the store from outside for a second writer.
/// A separate <c>simulate</c> process keeps appending, so hosts are killed while they apply and flush.
/// PROJECTIONS_TEST_FAILOVERS sets the number of kills per run (default 2).
/// </summary>
public sealed partial class SeveralHostsTests(ITestOutputHelper log) : IAsyncDisposable
{
    private const string Items = "plant-items";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TakeoverTarget = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();
    private readonly List<HostProcess> _processes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Killing_the_writing_host_hands_each_projection_to_a_standby_within_the_target(int hostCount)
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("PROJECTIONS_TEST_FAILOVERS"), out var n) ? n : 2;
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        var hosts = new List<HostProcess>();
        for (var i = 0; i < hostCount; i++) hosts.Add(await StartHost());
        var holder = await HolderOf(Items, hosts, writers);
        hosts.Where(h => h != holder).Should().OnlyContain(h => !Owns(h, Items), "exactly one host writes a projection");

        var failovers = new List<TimeSpan>();
        for (var kill = 1; kill <= kills; kill++)
        {
            var head = await WaitForProgress(writers, holder);
            holder.Kill();
            var killedAt = _clock.Elapsed;
            hosts.Remove(holder);
            var killedOwner = OwnerOf(holder);
            // Taken over = another host wrote a checkpoint at or past where the events stood at the kill.
            await Poll.Until(() => writers.Latest(Items) is { } s && s.Writer != killedOwner && s.Position >= head, TakeoverTarget + TimeSpan.FromSeconds(15),
                () => $"no standby took over {Items} after kill {kill}:\n{Tail(hosts)}");
            var failover = _clock.Elapsed - killedAt;
            failovers.Add(failover);
            Log($"kill {kill}: {killedOwner} killed -9; {writers.Latest(Items)!.Writer} live again after {failover.TotalSeconds:0.0} s");
            holder = await HolderOf(Items, hosts, writers);
            hosts.Add(await StartHost()); // the replaced replica comes back, as an orchestrator would start it
        }
        Log($"failover times (s): {string.Join(", ", failovers.Select(f => f.TotalSeconds.ToString("0.0")))}; " +
            $"median {Median(failovers).TotalSeconds:0.0}, worst {failovers.Max().TotalSeconds:0.0}");

        writers.Violations().Should().BeEmpty();
        failovers.Should().OnlyContain(f => f < TakeoverTarget, $"the target is the lease time-to-live plus catch-up, under {TakeoverTarget.TotalSeconds} s");
        await StopAllAndVerify(simulator, hosts, writers);
    }

    [Fact]
    public async Task A_holder_frozen_past_its_lease_writes_nothing_after_it_resumes()
    {
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<HostProcess> hosts = [await StartHost(), await StartHost()];
        var frozen = await HolderOf(Items, hosts, writers);
        var frozenOwner = OwnerOf(frozen);
        await WaitForProgress(writers, frozen);

        frozen.Freeze();
        Log($"froze {frozenOwner}");
        await Poll.Until(() => writers.Latest(Items) is { } s && s.Writer != frozenOwner, TakeoverTarget + TimeSpan.FromSeconds(15),
            () => $"no standby took over from the frozen host:\n{Tail(hosts)}");
        var takenOver = writers.Samples.Count;
        Log($"{writers.Latest(Items)!.Writer} took over; resuming {frozenOwner}");
        var linesBefore = frozen.Lines.Count;
        frozen.Thaw();

        await Poll.Until(() => frozen.Lines.Skip(linesBefore).Any(l => l.Contains($"Projection {Items}") && l.Contains("stops writing")), StartDeadline,
            () => $"the resumed host did not notice that it lost {Items}:\n{frozen.Output}");
        var newWriter = writers.Latest(Items)!;
        await Poll.Until(() => writers.Latest(Items) is { } s && s.Position > newWriter.Position + 50, StartDeadline,
            () => $"the new writer stopped making progress:\n{Tail(hosts)}");

        writers.Samples.Skip(takenOver).Where(s => s.Projection == Items && s.Writer == frozenOwner).Should()
            .BeEmpty("a host whose lease was taken over while it was frozen must not write after it resumes");
        writers.Violations().Should().BeEmpty();
        frozen.HasExited.Should().BeFalse("losing a lease is a hand-over, not a crash");
        await StopAllAndVerify(simulator, hosts, writers);
    }

    [Fact]
    public async Task A_rolling_restart_with_rebuild_switches_every_host_and_a_clean_stop_hands_over_at_once()
    {
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<HostProcess> hosts = [await StartHost(), await StartHost()];
        var first = await HolderOf(Items, hosts, writers);
        await WaitForProgress(writers, first);

        // Roll the writing host first: its clean stop releases the leases, so the other host takes over at its next check.
        var stoppedAt = _clock.Elapsed;
        first.Terminate();
        (await first.WaitForExit(CommandDeadline)).Should().Be(0, first.Output);
        hosts.Remove(first);
        await Poll.Until(() => writers.Latest(Items) is { } s && s.Writer != OwnerOf(first) && s.Generation == 1 && Owns(hosts[0], Items), TakeoverTarget,
            () => $"nobody took over after a clean stop:\n{Tail(hosts)}");
        var handover = _clock.Elapsed - stoppedAt;
        Log($"clean stop handed over in {handover.TotalSeconds:0.0} s");
        handover.Should().BeLessThan(TimeSpan.FromSeconds(6), "a clean stop releases its leases instead of letting them run out (10 s)");

        // The new version starts with --rebuild while the old one still runs.
        hosts.Add(await StartHost("--rebuild", "all"));
        await Poll.Until(() => writers.Samples.Any(s => s.Projection == Items && s.Generation == 2) && StatusShowsGeneration(2).Result, TimeSpan.FromSeconds(90),
            () => $"generation 2 did not become active:\n{Tail(hosts)}");
        var rolled = hosts[0];
        rolled.Terminate();
        (await rolled.WaitForExit(CommandDeadline)).Should().Be(0, $"the old host followed the switch without an error:\n{rolled.Output}");
        rolled.Output.Should().NotContain("error", "following a switch made elsewhere is not a failure");
        hosts.Remove(rolled);
        hosts.Add(await StartHost());

        writers.Violations().Should().BeEmpty();
        await StopAllAndVerify(simulator, hosts, writers);
    }

    private async Task<bool> StatusShowsGeneration(int generation)
    {
        var (exitCode, output) = await HostProcess.Run(Args("status"), CommandDeadline);
        return exitCode == 0 && StatusLines(output).Count == 2 && StatusLines(output).All(l => l.Contains($": generation {generation},"));
    }

    private HostProcess StartSimulator()
    {
        var simulator = HostProcess.Start(Args("simulate", "--rate", "150", "--items", "120", "--seed", "7"));
        _processes.Add(simulator);
        return simulator;
    }

    private async Task<HostProcess> StartHost(params string[] extra)
    {
        var host = HostProcess.Start(Args(["run", "--no-simulate", .. extra]));
        _processes.Add(host);
        await Poll.Until(() => host.HasExited || host.Lines.Any(l => l.StartsWith("Web dashboard and API:")), StartDeadline,
            () => $"a host did not start:\n{host.Output}");
        host.HasExited.Should().BeFalse(host.Output);
        Log($"started host {_processes.Count - 1} {string.Join(' ', extra)}");
        return host;
    }

    /// <summary>The host whose lease the checkpoint row names, once it has written one.</summary>
    private async Task<HostProcess> HolderOf(string projection, List<HostProcess> hosts, CheckpointWriters writers)
    {
        HostProcess? holder = null;
        await Poll.Until(() => (holder = hosts.FirstOrDefault(h => Owns(h, projection) && writers.Latest(projection)?.Writer == OwnerOf(h))) is not null,
            TakeoverTarget + StartDeadline, () => $"no host writes {projection}:\n{Tail(hosts)}");
        return holder!;
    }

    /// <summary>Waits until the holder has written a few checkpoints; returns the head it has reached (the target a successor must pass).</summary>
    private async Task<long> WaitForProgress(CheckpointWriters writers, HostProcess holder)
    {
        var from = writers.Latest(Items)?.Position ?? 0;
        await Poll.Until(() => writers.Latest(Items) is { } s && s.Writer == OwnerOf(holder) && s.Position > from + 30, StartDeadline,
            () => $"{OwnerOf(holder)} makes no progress:\n{holder.Output}");
        return writers.Latest(Items)!.Position;
    }

    private async Task StopAllAndVerify(HostProcess simulator, List<HostProcess> hosts, CheckpointWriters writers)
    {
        simulator.Terminate();
        (await simulator.WaitForExit(CommandDeadline)).Should().Be(0, simulator.Output);
        await Poll.Until(async () =>
        {
            var (exitCode, output) = await HostProcess.Run(Args("status"), CommandDeadline);
            return exitCode == 0 && StatusLines(output).Count == 2 && StatusLines(output).All(l => l.Contains(", caught up")) ? output : null;
        }, TimeSpan.FromSeconds(60), () => $"projections did not catch up:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(300));
        foreach (var host in hosts) host.Terminate();
        foreach (var host in hosts)
            (await host.WaitForExit(CommandDeadline)).Should().Be(0, $"SIGTERM stops a host cleanly, writer or standby:\n{host.Output}");
        writers.Violations().Should().BeEmpty();

        var verify = await HostProcess.Run(Args("verify", "all"), CommandDeadline);
        Log("verify:\n" + verify.Output);
        verify.ExitCode.Should().Be(0, verify.Output);
        verify.Output.Should().Contain("verify: 0 mismatches");
    }

    private static readonly string[] LeaseEvents = ["holds generation", "stops writing", "released the lease", "lets go", "stops it"];

    /// <summary>Whether the host's last lease event for the projection was taking it.</summary>
    private static bool Owns(HostProcess host, string projection) =>
        host.Lines.LastOrDefault(l => l.Contains($"Projection {projection}") && LeaseEvents.Any(l.Contains))?.Contains("holds generation") == true;

    private static string? OwnerOf(HostProcess host) =>
        host.Lines.Select(l => OwnerPattern().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;

    private string[] Args(params string[] args) =>
    [
        .. args, "--data-dir", _data.Path, "--urls", "http://127.0.0.1:0", "--progress", "plain", "--progress-interval", "1s",
        "--wall-clock-advance", "false", "--partitions", "2", "--max-flush-interval", "200ms",
    ];

    private static List<string> StatusLines(string output) =>
        output.Split('\n').Where(l => l.StartsWith("plant-items:") || l.StartsWith("station-load:")).ToList();

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Tail(IEnumerable<HostProcess> hosts) =>
        string.Join("\n---\n", hosts.Select(h => string.Join('\n', h.Lines.TakeLast(15))));

    private void Log(string line) => log.WriteLine($"[{_clock.Elapsed.TotalSeconds:0.0}s] {line}");

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
        _data.Dispose();
    }

    [GeneratedRegex(@"lease owner id is (\S+)")]
    private static partial Regex OwnerPattern();
}
