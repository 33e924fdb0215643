using System.Diagnostics;
using System.Text.RegularExpressions;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// Several hosts as child processes on one data directory (real files, default lease time-to-live of
/// 5 s): exactly one writes each projection, the others are standbys that take over after kill -9 or a
/// freeze, a clean stop hands over at once, and a rolling restart with --rebuild switches generations on
/// every host. <see cref="CheckpointWriters"/> watches the store from outside for a second writer.
/// A separate <c>simulate</c> process keeps appending, so hosts are killed while they apply and flush.
/// PROJECTIONS_TEST_FAILOVERS sets the number of kills per run (default 2).
/// </summary>
public sealed partial class SeveralHostsTests(ITestOutputHelper log) : IAsyncDisposable
{
    private const string Items = "plant-items";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60); // a loaded two-core machine took 20 s to start a host
    private static readonly TimeSpan TakeoverTarget = TimeSpan.FromSeconds(15);
    // The lease runs out 5 s after the last renewal and a standby checks every 0.5 s; the rest is slack for a loaded machine.
    private static readonly TimeSpan LeaseTakeoverBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();
    private readonly List<AppProcess> _processes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Killing_the_writing_host_hands_each_projection_to_a_standby_within_the_target(int hostCount)
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("PROJECTIONS_TEST_FAILOVERS"), out var n) ? n : 2;
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        var hosts = new List<AppProcess>();
        for (var i = 0; i < hostCount; i++) hosts.Add(await StartHost());
        var holder = await HolderOf(Items, hosts, writers);
        hosts.Where(h => h != holder).Should().OnlyContain(h => !Owns(h, Items), "exactly one host writes a projection");

        List<TimeSpan> takeovers = [], failovers = [];
        for (var kill = 1; kill <= kills; kill++)
        {
            var head = await WaitForProgress(writers, holder);
            holder.Kill();
            var killedAt = _clock.Elapsed;
            var killedAtUtc = DateTime.UtcNow;
            hosts.Remove(holder);
            var killedOwner = OwnerOf(holder);
            await Eventually.Until(() => writers.LeaseOf(Items) is { } l && l.Owner is not null && l.Owner != killedOwner, LeaseTakeoverBound + CatchUpDeadline,
                () => $"no standby took the lease of {Items} after kill {kill}:\n{Tail(hosts)}");
            takeovers.Add(_clock.Elapsed - killedAt);
            // Live again = the new holder wrote a checkpoint at or past where the events stood at the kill.
            await Eventually.Until(() => writers.Latest(Items) is { } s && s.Writer != killedOwner && s.Position >= head, CatchUpDeadline,
                () => $"the new holder of {Items} did not catch up after kill {kill}:\n{Tail(hosts)}");
            failovers.Add(_clock.Elapsed - killedAt);
            Log($"kill {kill}: {killedOwner} killed -9; {writers.Latest(Items)!.Writer} took the lease after {takeovers[^1].TotalSeconds:0.0} s, live again after {failovers[^1].TotalSeconds:0.0} s");
            Log($"kill {kill} phases: {Phases(writers, hosts, killedAtUtc)}");
            holder = await HolderOf(Items, hosts, writers);
            hosts.Add(await StartHost()); // the replaced replica comes back, as an orchestrator would start it
        }
        Log($"lease taken after (s): {string.Join(", ", takeovers.Select(f => f.TotalSeconds.ToString("0.0")))}; median {Median(takeovers).TotalSeconds:0.0}, worst {takeovers.Max().TotalSeconds:0.0}");
        Log($"live again after (s): {string.Join(", ", failovers.Select(f => f.TotalSeconds.ToString("0.0")))}; median {Median(failovers).TotalSeconds:0.0}, worst {failovers.Max().TotalSeconds:0.0} (target {TakeoverTarget.TotalSeconds} s on a quiet machine)");

        foreach (var host in hosts) Log($"lease renewals of {OwnerOf(host)}: {await RenewLatency(host)}");

        writers.Violations().Should().BeEmpty();
        // Catching up is CPU-bound and reported, not asserted; taking the lease is the protocol's part.
        takeovers.Should().OnlyContain(f => f < LeaseTakeoverBound, "a standby takes the lease one time-to-live after the last renewal, plus at most one check interval");
        await StopAllAndVerify(simulator, hosts, writers);
    }

    [Fact]
    public async Task A_holder_frozen_past_its_lease_writes_nothing_after_it_resumes()
    {
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<AppProcess> hosts = [await StartHost(), await StartHost()];
        var frozen = await HolderOf(Items, hosts, writers);
        var frozenOwner = OwnerOf(frozen);
        await WaitForProgress(writers, frozen);

        await FreezeOutsideAWrite(frozen, writers);
        Log($"froze {frozenOwner}");
        await Eventually.Until(() => writers.Latest(Items) is { } s && s.Writer != frozenOwner, TakeoverTarget + TimeSpan.FromSeconds(15),
            () => $"no standby took over from the frozen host:\n{Tail(hosts)}");
        var takenOver = writers.Samples.Count;
        Log($"{writers.Latest(Items)!.Writer} took over; resuming {frozenOwner}");
        var linesBefore = frozen.Lines.Count;
        frozen.Thaw();

        await Eventually.Until(() => frozen.Lines.Skip(linesBefore).Any(l => l.Contains($"Projection {Items}") && l.Contains("stops writing")), StartDeadline,
            () => $"the resumed host did not notice that it lost {Items}:\n{frozen.Output}");
        var newWriter = writers.Latest(Items)!;
        await Eventually.Until(() => writers.Latest(Items) is { } s && s.Position > newWriter.Position + 50, StartDeadline,
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
        List<AppProcess> hosts = [await StartHost(), await StartHost()];
        var first = await HolderOf(Items, hosts, writers);
        await WaitForProgress(writers, first);

        // Roll the writing host first: its clean stop releases the leases, so the other host takes over at its next check.
        var stoppedAt = _clock.Elapsed;
        first.Terminate();
        (await first.WaitForExit(CommandDeadline)).Should().Be(0, first.Output);
        hosts.Remove(first);
        await Eventually.Until(() => writers.LeaseOf(Items) is { Owner: { } owner } && owner == OwnerOf(hosts[0]), TakeoverTarget,
            () => $"nobody took over after a clean stop:\n{Tail(hosts)}");
        var handover = _clock.Elapsed - stoppedAt;
        Log($"clean stop handed over in {handover.TotalSeconds:0.0} s");
        handover.Should().BeLessThan(TimeSpan.FromSeconds(4), "a clean stop releases its leases instead of letting them run out (5 s)");

        // The new version starts with --rebuild while the old one still runs.
        hosts.Add(await StartHost("--rebuild", "all"));
        await Eventually.Until(() => writers.Samples.Any(s => s.Projection == Items && s.Generation == 2) && StatusShowsGeneration(2).Result, TimeSpan.FromSeconds(90),
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

    /// <summary>
    /// Freezes the host at a moment it holds no SQLite write lock. SQLite lets one process write the file at a time, and a
    /// process stopped inside a write transaction keeps that lock, so no host could even take the lease until it resumes:
    /// a stall of the one-machine store, not the lease protocol under test (frozen inside a flush, 1 run in 4 under load
    /// timed out with the standby unable to write). A freeze that caught a write is undone once that write has landed.
    /// </summary>
    private async Task FreezeOutsideAWrite(AppProcess host, CheckpointWriters writers)
    {
        for (var attempt = 1; ; attempt++)
        {
            var samples = writers.Samples.Count;
            await host.FreezeFully(StartDeadline);
            if (await WriteLockIsFree()) return;
            host.Thaw();
            Log($"froze {OwnerOf(host)} inside a write transaction (attempt {attempt}); resumed it to freeze again after that write");
            if (attempt == 10) throw new InvalidOperationException($"{OwnerOf(host)} was inside a write transaction at each of 10 freezes");
            await Eventually.Until(() => writers.Samples.Count > samples, StartDeadline, () => $"{OwnerOf(host)} wrote nothing after it was resumed:\n{host.Output}");
        }
    }

    /// <summary>Whether another process could start writing projections.db now (waiting up to 3 s for a live writer's transaction).</summary>
    private async Task<bool> WriteLockIsFree()
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_data.Path, "projections.db"), Pooling = false, DefaultTimeout = 3 };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        try
        {
            await command.ExecuteNonQueryAsync();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) { return false; } // SQLITE_BUSY, SQLITE_LOCKED
    }

    /// <summary>
    /// Where a failover's time goes, in seconds after the kill: the lease taken (sampled from the store), the
    /// new holder's state loaded (its "starting after" line), its first checkpoint, and the load average.
    /// </summary>
    private static string Phases(CheckpointWriters writers, List<AppProcess> hosts, DateTime killedAt)
    {
        var writer = writers.Latest(Items)!.Writer;
        var holder = hosts.First(h => OwnerOf(h) == writer);
        string After(DateTime? at) => at is { } t ? $"{(t - killedAt).TotalSeconds:0.0}" : "?";
        var leased = writers.Leases.FirstOrDefault(l => l.Projection == Items && l.Owner == writer && l.At > killedAt)?.At;
        var loaded = holder.ArrivedAt(l => l.Contains($"Projection {Items} generation") && l.Contains("starting after"), killedAt);
        var checkpoint = writers.Samples.FirstOrDefault(s => s.Projection == Items && s.Writer == writer && s.At > killedAt)?.At;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return $"lease taken {After(leased)} s, state loaded {After(loaded)} s, first checkpoint {After(checkpoint)} s; load average {load}";
    }

    /// <summary>
    /// How long this host's lease renewals took, from its /metrics histogram: the safety margin of the
    /// time-to-live is how far the slowest renewal stays below it.
    /// </summary>
    private static async Task<string> RenewLatency(AppProcess host)
    {
        using var http = new HttpClient { Timeout = CommandDeadline };
        var lines = (await http.GetStringAsync($"{AddressOf(host)}/metrics")).Split('\n').Where(l => l.StartsWith("projections_lease_renew_duration_seconds")).ToList();
        double Sum(string series) => lines.Where(l => l.StartsWith($"projections_lease_renew_duration_seconds_{series}"))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var count = Sum("count");
        if (count == 0) return "none (a standby renews nothing)";
        // Buckets are cumulative per series; the slowest renewal is at most the smallest bound every renewal fell under.
        var bounds = lines.Where(l => l.Contains("_bucket{")).GroupBy(l => BucketBound().Match(l).Groups[1].Value)
            .Select(g => (Bound: g.Key, Count: g.Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))))
            .Where(b => b.Bound != "+Inf" && b.Count >= count).Select(b => double.Parse(b.Bound, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return $"{count} renewals, mean {1000 * Sum("sum") / count:0.0} ms, slowest under {(bounds.Count > 0 ? $"{bounds.Min()} s" : "(beyond the largest bucket)")}";
    }

    private async Task<bool> StatusShowsGeneration(int generation)
    {
        var (exitCode, output) = await AppProcess.Run(Args("status"), CommandDeadline);
        return exitCode == 0 && StatusLines(output).Count == 2 && StatusLines(output).All(l => l.Contains($": generation {generation},"));
    }

    private AppProcess StartSimulator()
    {
        var simulator = AppProcess.Start(Args("simulate", "--rate", "150", "--items", "120", "--seed", "7"));
        _processes.Add(simulator);
        return simulator;
    }

    private async Task<AppProcess> StartHost(params string[] extra)
    {
        var host = AppProcess.Start(Args(["run", "--no-simulate", .. extra]));
        _processes.Add(host);
        await Eventually.Until(() => host.HasExited || host.Lines.Any(l => l.StartsWith("Web dashboard and API:")), StartDeadline,
            () => $"a host did not start:\n{host.Output}");
        host.HasExited.Should().BeFalse(host.Output);
        Log($"started host {_processes.Count - 1} {string.Join(' ', extra)}");
        return host;
    }

    /// <summary>The host whose lease the checkpoint row names, once it has written one.</summary>
    private async Task<AppProcess> HolderOf(string projection, List<AppProcess> hosts, CheckpointWriters writers)
    {
        AppProcess? holder = null;
        await Eventually.Until(() => (holder = hosts.FirstOrDefault(h => Owns(h, projection) && writers.Latest(projection)?.Writer == OwnerOf(h))) is not null,
            TakeoverTarget + StartDeadline, () => $"no host writes {projection}:\n{Tail(hosts)}");
        return holder!;
    }

    /// <summary>Waits until the holder has written a few checkpoints; returns the head it has reached (the target a successor must pass).</summary>
    private async Task<long> WaitForProgress(CheckpointWriters writers, AppProcess holder)
    {
        var from = writers.Latest(Items)?.Position ?? 0;
        await Eventually.Until(() => writers.Latest(Items) is { } s && s.Writer == OwnerOf(holder) && s.Position > from + 30, StartDeadline,
            () => $"{OwnerOf(holder)} makes no progress:\n{holder.Output}");
        return writers.Latest(Items)!.Position;
    }

    private async Task StopAllAndVerify(AppProcess simulator, List<AppProcess> hosts, CheckpointWriters writers)
    {
        simulator.Terminate();
        (await simulator.WaitForExit(CommandDeadline)).Should().Be(0, simulator.Output);
        await Eventually.Value(async () =>
        {
            var (exitCode, output) = await AppProcess.Run(Args("status"), CommandDeadline);
            return exitCode == 0 && StatusLines(output).Count == 2 && StatusLines(output).All(l => l.Contains(", caught up")) ? output : null;
        }, TimeSpan.FromSeconds(60), () => $"projections did not catch up:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(300));
        foreach (var host in hosts) host.Terminate();
        foreach (var host in hosts)
            (await host.WaitForExit(CommandDeadline)).Should().Be(0, $"SIGTERM stops a host cleanly, writer or standby:\n{host.Output}");
        writers.Violations().Should().BeEmpty();

        var verify = await AppProcess.Run(Args("verify", "all"), CommandDeadline);
        Log("verify:\n" + verify.Output);
        verify.ExitCode.Should().Be(0, verify.Output);
        verify.Output.Should().Contain("verify: 0 mismatches");
    }

    private static readonly string[] LeaseEvents = ["holds generation", "stops writing", "released the lease", "lets go", "stops it"];

    /// <summary>Whether the host's last lease event for the projection was taking it.</summary>
    private static bool Owns(AppProcess host, string projection) =>
        host.Lines.LastOrDefault(l => l.Contains($"Projection {projection}") && LeaseEvents.Any(l.Contains))?.Contains("holds generation") == true;

    private static string? OwnerOf(AppProcess host) =>
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

    private static string Tail(IEnumerable<AppProcess> hosts) =>
        string.Join("\n---\n", hosts.Select(h => string.Join('\n', h.Lines.TakeLast(15))));

    private void Log(string line) => log.WriteLine($"[{_clock.Elapsed.TotalSeconds:0.0}s] {line}");

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
        _data.Dispose();
    }

    [GeneratedRegex(@"le=""([^""]+)""")]
    private static partial Regex BucketBound();

    [GeneratedRegex(@"lease owner id is (\S+)")]
    private static partial Regex OwnerPattern();
}
