using System.Text.RegularExpressions;
using FluentAssertions;
using Projections.Core.Ports;
using Projections.PostgreSql;
using Projections.Sqlite.Documents;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// The built host as a child process on the embedded SQLite stores (and once more with the read models in
/// a real PostgreSQL): append a workload, project it with ten documents per store write, and kill the host
/// hard several times, each time once its simulator has appended a seeded number of events, it holds both leases, the run has
/// completed a flush, and the store holds documents this run wrote for positions after the stored checkpoint (the window
/// invariants 3 and 4 are about: the host is frozen, the store read, and killed only inside that window).
/// Then restart, let it catch up, stop it with SIGTERM, and <c>verify</c> recomputes every projection from
/// the events and must find zero mismatches with the checkpoint at the head.
/// Set PROJECTIONS_TEST_SEED to replay a run.
/// </summary>
public sealed partial class CrashRecoveryTests(ITestOutputHelper log, PostgresServerFixture postgres) : IDisposable, IClassFixture<PostgresServerFixture>
{
    private const int HardKills = 6;
    /// <summary>A bound, never reached: at 1,000 events/s a run is killed within seconds of taking its leases.</summary>
    private const int MaxEventsPerRun = 60_000;
    private static readonly string[] Projections = ["plant-items", "station-load"];
    /// <summary>
    /// Every kill lands inside this projection's window: it has timers and hundreds of documents per flush, so a
    /// flush is tens of store writes. station-load's twelve documents are two writes; it is killed inside its
    /// window when a kill happens to land there (the log says which).
    /// </summary>
    private const string WindowProjection = "plant-items";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WindowDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();
    private string[] _storeArgs = [];
    private Func<Task<IProjectionStore>>? _openStore;

    public void Dispose() => _data.Dispose();

    [Fact]
    public Task Hosts_killed_with_documents_ahead_of_the_checkpoint_restart_catch_up_and_verify_finds_no_mismatch()
    {
        _openStore = async () =>
        {
            var store = new SqliteProjectionStore(Path.Combine(_data.Path, "projections.db"));
            // Creates the schema now, while no host writes: later reads never wait for a frozen writer.
            await store.Initialize(TestContext.Current.CancellationToken);
            return store;
        };
        return KillRestartAndVerify();
    }

    [Fact]
    public async Task Hosts_killed_with_documents_ahead_of_the_checkpoint_restart_catch_up_and_verify_finds_no_mismatch_with_PostgreSQL_as_the_store()
    {
        var connectionString = await postgres.CreateDatabase("crash");
        _storeArgs = ["--postgres", connectionString];
        _openStore = () => Task.FromResult<IProjectionStore>(new PostgresProjectionStore(new PostgresProjectionStoreOptions(connectionString)));
        await KillRestartAndVerify();
    }

    private async Task KillRestartAndVerify()
    {
        var seed = Environment.GetEnvironmentVariable("PROJECTIONS_TEST_SEED") is { } fixedSeed ? int.Parse(fixedSeed) : Random.Shared.Next(1, 1_000_000);
        log.WriteLine($"CrashRecoveryTests seed {seed} (set PROJECTIONS_TEST_SEED={seed} to repeat), data {_data.Path}");
        var random = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // A backlog first, so the first host is killed while catching up.
        var backlog = await AppProcess.Run(Args("simulate", "--total-events", "2500", "--rate", "max", "--seed", $"{seed}", "--items", "150"), CommandDeadline);
        backlog.ExitCode.Should().Be(0, $"simulate failed (seed {seed}):\n{backlog.Output}");
        log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] backlog appended");

        var store = await _openStore!();
        try
        {
            var window = new CheckpointWindow(store, Projections);
            var previous = StoreState.Empty;
            for (var kill = 1; kill <= HardKills; kill++)
            {
                // Each run also simulates in-process and keeps appending until it is killed, so the kill lands
                // while appending, applying and flushing: a host that waits out its killed predecessor's lease
                // catches up on what was appended meanwhile, and then there is still live work to be killed in.
                await using var host = AppProcess.Start(Args("run", "--total-events", $"{MaxEventsPerRun}", "--rate", "1000", "--seed", $"{seed + kill}", "--items", "150"));
                var target = random.Next(200, 1500);
                await Eventually.Until(() => host.HasExited || (Appended(host) >= target && WritesBoth(host)), StartDeadline,
                    () => $"host {kill} did not append {target} events and take both projections (seed {seed}):\n{host.Output}");
                host.HasExited.Should().BeFalse($"host {kill} exited on its own (seed {seed}):\n{host.Output}");

                var seen = await KillInsideTheWindow(host, window, previous, $"host {kill} (seed {seed})");
                await host.WaitForExit(CommandDeadline);
                var afterKill = await window.Read(TestContext.Current.CancellationToken);
                log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] kill {kill} after {Appended(host)} appended (target {target}): {afterKill}");
                afterKill.InWindowSince(previous, WindowProjection).Should().BeTrue(
                    $"kill {kill} must leave {WindowProjection} documents this run wrote ahead of a checkpoint it moved, as read while the host was frozen ({seen}; seed {seed})");
                previous = afterKill;
            }
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }

        await using (var final = AppProcess.Start(Args("run", "--no-simulate")))
        {
            // Started (it prints this once the host runs), so it catches up itself and handles SIGTERM.
            await Eventually.Until(() => final.HasExited || final.Lines.Any(l => l.StartsWith("Web dashboard and API:")), StartDeadline,
                () => $"the final host did not start (seed {seed}):\n{final.Output}");
            var status = await Eventually.Value(async () =>
            {
                var (exitCode, output) = await AppProcess.Run(Args("status"), CommandDeadline);
                exitCode.Should().Be(0, $"status failed (seed {seed}):\n{output}");
                return StatusLines(output).Count == 2 && StatusLines(output).All(l => l.Contains(", caught up,")) ? output : null;
            }, CatchUpDeadline, () => $"projections did not catch up (seed {seed}):\n{final.Output}", TimeSpan.FromMilliseconds(300));
            log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] caught up:\n" + status);
            final.HasExited.Should().BeFalse($"the final host stopped (seed {seed}):\n{final.Output}");

            final.Terminate();
            var exitCode = await final.WaitForExit(CommandDeadline);
            exitCode.Should().Be(0, $"SIGTERM should stop the host cleanly after a final flush (seed {seed}):\n{final.Output}");
        }

        log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] stopped with SIGTERM");
        var verify = await AppProcess.Run(Args("verify", "all"), CommandDeadline);
        log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] verify:\n" + verify.Output);
        verify.ExitCode.Should().Be(0, $"verify found mismatches (seed {seed}):\n{Abbreviate(verify.Output)}");
        verify.Output.Should().Contain("verify: 0 mismatches");
        StatusLines(verify.Output).Should().HaveCount(2).And.OnlyContain(l => l.Contains(", caught up;"), $"seed {seed}");
        HeadOf(verify.Output).Should().BeGreaterThan(2500, "the backlog and every killed run appended events");
        StatusLines(verify.Output).Select(l => int.Parse(AggregatesCompared().Match(l).Groups[1].Value.Replace(",", "")))
            .Should().OnlyContain(n => n > 0, $"verify compared the aggregates of both projections (seed {seed})");
    }

    private string[] Args(params string[] args) =>
    [
        .. args, .. _storeArgs, "--data-dir", _data.Path, "--urls", "http://127.0.0.1:0", "--progress", "plain", "--progress-interval", "200ms",
        // The default wall-clock advance stays on: the seeded plant times lie in the past, so it must hold.
        // Ten documents per store write: a flush is many writes, the last one carrying the checkpoint.
        "--partitions", "2", "--max-flush-interval", "200ms", "--max-batch-size", "10",
    ];

    private static List<string> StatusLines(string output) =>
        output.Split('\n').Where(l => l.StartsWith("plant-items") || l.StartsWith("station-load")).ToList();

    /// <summary>Mismatch lines carry whole documents; the assertion message keeps the first few, shortened (the full text is in the test log).</summary>
    private static string Abbreviate(string output) =>
        string.Join('\n', output.Split('\n').Take(25).Select(l => l.Length > 300 ? l[..300] + "..." : l));

    /// <summary>
    /// Kills the host (SIGKILL) while it is frozen (SIGSTOP) inside <see cref="WindowProjection"/>'s window: since the
    /// previous kill a flush completed (its checkpoint moved, so every run makes progress) and another one has written
    /// documents ahead of the checkpoint; the store at the kill is then the state read. The store is read while the
    /// host runs until the window looks open, and only then frozen and read again, so the polling does not starve the
    /// host it waits for.
    /// </summary>
    private static async Task<StoreState> KillInsideTheWindow(AppProcess host, CheckpointWindow window, StoreState previous, string what)
    {
        StoreState? last = null;
        return await Eventually.Value(async () =>
        {
            if (host.HasExited) throw new InvalidOperationException($"{what} exited before a kill:\n{host.Output}");
            var running = await ReadOrNull(window);
            last = running ?? last;
            if (running is null || !running.InWindowSince(previous, WindowProjection)) return null;
            await host.FreezeFully(TimeSpan.FromSeconds(10)); // a commit in flight when SIGSTOP was sent lands before the read, not after the kill
            var frozen = await ReadOrNull(window);
            if (frozen is not null && frozen.InWindowSince(previous, WindowProjection))
            {
                host.Kill();
                return frozen;
            }
            host.Thaw();
            last = frozen ?? last;
            return null;
        }, WindowDeadline, () => $"{what}: the store never held {WindowProjection} documents written by this run ahead of a checkpoint this run moved; last read {last}:\n{host.Output}", TimeSpan.FromMilliseconds(20));
    }

    private static async Task<StoreState?> ReadOrNull(CheckpointWindow window)
    {
        try
        {
            return await window.Read(TestContext.Current.CancellationToken);
        }
        catch (ProjectionStoreUnavailableException)
        {
            return null; // SQLite busy while the host writes: read again on the next poll
        }
    }

    /// <summary>The host holds both projections' leases: its last progress line for each is no longer Standby.</summary>
    private static bool WritesBoth(AppProcess host) =>
        Projections.All(p => host.Lines.LastOrDefault(l => l.Contains($"] {p}: ")) is { } last && !last.Contains($"] {p}: Standby"));

    /// <summary>How many events this run's simulator has appended, from its last progress line.</summary>
    private static int Appended(AppProcess host) =>
        host.Lines.Select(l => SimulatorAppended().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value.Replace(",", ""))).LastOrDefault();

    private static long HeadOf(string output) => long.Parse(HeadPattern().Match(output).Groups[1].Value);

    [GeneratedRegex(@"\] simulator: .*?([\d,]+) appended")]
    private static partial Regex SimulatorAppended();

    [GeneratedRegex(@"([\d,]+) aggregates from the events")]
    private static partial Regex AggregatesCompared();

    [GeneratedRegex(@"head (\d+)")]
    private static partial Regex HeadPattern();
}
