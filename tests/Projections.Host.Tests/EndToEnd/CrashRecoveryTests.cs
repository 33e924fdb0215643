using System.Text.RegularExpressions;
using FluentAssertions;
using Projections.Host.Tests.Support;
using Projections.Testing.PostgreSql;
using Xunit;

namespace Projections.Host.Tests.EndToEnd;

/// <summary>
/// The built host as a child process on the embedded SQLite stores (and once more with the read models in
/// a real PostgreSQL): append a workload, project it, kill the host hard at random moments (while it catches
/// up, simulates and flushes), restart, let it catch up, stop it with SIGTERM, then <c>verify</c> recomputes
/// every projection from the events and must find zero mismatches with the checkpoint at the head.
/// Set PROJECTIONS_TEST_SEED to replay a run.
/// </summary>
public sealed partial class CrashRecoveryTests(ITestOutputHelper log, PostgresServerFixture postgres) : IDisposable, IClassFixture<PostgresServerFixture>
{
    private const int HardKills = 3;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();
    private string[] _storeArgs = [];

    public void Dispose() => _data.Dispose();

    [Fact]
    public Task Killed_hosts_restart_catch_up_and_verify_finds_no_mismatch() => KillRestartAndVerify();

    [Fact]
    public async Task Killed_hosts_restart_catch_up_and_verify_finds_no_mismatch_with_PostgreSQL_as_the_store()
    {
        _storeArgs = ["--postgres", await postgres.CreateDatabase("crash")];
        await KillRestartAndVerify();
    }

    private async Task KillRestartAndVerify()
    {
        var seed = Environment.GetEnvironmentVariable("PROJECTIONS_TEST_SEED") is { } fixedSeed ? int.Parse(fixedSeed) : Random.Shared.Next(1, 1_000_000);
        log.WriteLine($"CrashRecoveryTests seed {seed} (set PROJECTIONS_TEST_SEED={seed} to repeat), data {_data.Path}");
        var random = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // A backlog first, so the first host is killed while catching up.
        var backlog = await HostProcess.Run(Args("simulate", "--total-events", "2500", "--rate", "max", "--seed", $"{seed}", "--items", "150"), CommandDeadline);
        backlog.ExitCode.Should().Be(0, $"simulate failed (seed {seed}):\n{backlog.Output}");
        log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] backlog appended");

        for (var kill = 1; kill <= HardKills; kill++)
        {
            // Each run also simulates in-process, so the kill lands while appending, applying and flushing.
            await using var host = HostProcess.Start(Args("run", "--total-events", $"{random.Next(1500, 4000)}", "--rate", "3000", "--seed", $"{seed + kill}", "--items", "150"));
            await Poll.Until(() => host.HasExited || host.Lines.Any(l => l.Contains("simulator:")), StartDeadline,
                () => $"host {kill} did not report progress (seed {seed}):\n{host.Output}");
            if (kill > 1)
            {
                // The first kill may land during start-up and catch-up; the others only once this run has
                // flushed, so they interrupt appends, applies and flushes in flight.
                var first = PlantItemsCheckpoints(host).FirstOrDefault();
                await Poll.Until(() => host.HasExited || PlantItemsCheckpoints(host).Any(c => c != first), StartDeadline,
                    () => $"host {kill} did not flush (seed {seed}):\n{host.Output}");
            }
            host.HasExited.Should().BeFalse($"host {kill} exited on its own (seed {seed}):\n{host.Output}");
            log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] host {kill} is working");

            var moment = TimeSpan.FromMilliseconds(random.Next(0, 1200));
            await Task.Delay(moment, TestContext.Current.CancellationToken);
            host.Kill();
            await host.WaitForExit(CommandDeadline);
            log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] kill {kill}: {moment.TotalMilliseconds:0} ms later; last lines:\n  {string.Join("\n  ", host.Lines.TakeLast(3))}");
        }

        await using (var final = HostProcess.Start(Args("run", "--no-simulate")))
        {
            // Started (it prints this once the host runs), so it catches up itself and handles SIGTERM.
            await Poll.Until(() => final.HasExited || final.Lines.Any(l => l.StartsWith("Web dashboard and API:")), StartDeadline,
                () => $"the final host did not start (seed {seed}):\n{final.Output}");
            var status = await Poll.Until(async () =>
            {
                var (exitCode, output) = await HostProcess.Run(Args("status"), CommandDeadline);
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
        var verify = await HostProcess.Run(Args("verify", "all"), CommandDeadline);
        log.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0}s] verify:\n" + verify.Output);
        verify.ExitCode.Should().Be(0, $"verify found mismatches (seed {seed}):\n{Abbreviate(verify.Output)}");
        verify.Output.Should().Contain("verify: 0 mismatches");
        StatusLines(verify.Output).Should().HaveCount(2).And.OnlyContain(l => l.Contains(", caught up;"), $"seed {seed}");
        HeadOf(verify.Output).Should().BeGreaterThan(2500, "the backlog and every killed run appended events");
    }

    private string[] Args(params string[] args) =>
    [
        .. args, .. _storeArgs, "--data-dir", _data.Path, "--urls", "http://127.0.0.1:0", "--progress", "plain", "--progress-interval", "200ms",
        // The default wall-clock advance stays on: the seeded plant times lie in the past, so it must hold.
        "--partitions", "2", "--max-flush-interval", "200ms",
    ];

    private static List<string> StatusLines(string output) =>
        output.Split('\n').Where(l => l.StartsWith("plant-items") || l.StartsWith("station-load")).ToList();

    /// <summary>Mismatch lines carry whole documents; the assertion message keeps the first few, shortened (the full text is in the test log).</summary>
    private static string Abbreviate(string output) =>
        string.Join('\n', output.Split('\n').Take(25).Select(l => l.Length > 300 ? l[..300] + "..." : l));

    private static IEnumerable<string> PlantItemsCheckpoints(HostProcess host) =>
        host.Lines.Select(l => PlantItemsCheckpoint().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    private static long HeadOf(string output) => long.Parse(HeadPattern().Match(output).Groups[1].Value);

    [GeneratedRegex(@"\] plant-items: .*checkpoint (\S+) / head")]
    private static partial Regex PlantItemsCheckpoint();

    [GeneratedRegex(@"head (\d+)")]
    private static partial Regex HeadPattern();
}
