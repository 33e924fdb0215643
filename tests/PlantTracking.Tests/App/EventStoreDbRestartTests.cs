using System.Diagnostics;
using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// Issue 16 end to end, against a real EventStoreDB that the test kills and restarts: a seeded simulator
/// appends plant events whose times lie in the past, a host with the default options projects them, the
/// server is restarted twice mid-run, and <c>verify all</c> must then find zero mismatches. Needs
/// PROJECTIONS_TEST_ESDB (a connection string, e.g. esdb://127.0.0.1:2115?tls=false) and
/// PROJECTIONS_TEST_ESDB_RESTART (a shell command that kill -9s that server and starts it again on the same
/// on-disk data; it may return before the server is up, the test waits until it serves). The server may
/// hold other data: the projections are built from the start of $all and verified against all of it.
/// </summary>
public sealed class EventStoreDbRestartTests(ITestOutputHelper log) : IDisposable
{
    private const string ConnectionVariable = "PROJECTIONS_TEST_ESDB";
    private const string RestartVariable = "PROJECTIONS_TEST_ESDB_RESTART";
    private const int Restarts = 2;
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan HistoryDeadline = TimeSpan.FromMinutes(20);

    private readonly TempDirectory _data = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Two_server_restarts_mid_run_with_the_default_options_leave_no_mismatch()
    {
        var connection = Environment.GetEnvironmentVariable(ConnectionVariable);
        var restart = Environment.GetEnvironmentVariable(RestartVariable);
        if (string.IsNullOrWhiteSpace(connection) || string.IsNullOrWhiteSpace(restart))
            MissingServer.SkipOrFail(TestServer.EventStoreDB, $"needs {ConnectionVariable} (an EventStoreDB connection string) and {RestartVariable} (a shell command that kill -9s and restarts that server with its data).");

        await using var simulator = AppProcess.Start(["simulate", "--eventstore", connection, "--rate", "800", "--seed", "21", "--total-events", "40000"]);
        await using var host = AppProcess.Start(Args(connection, "run", "--no-simulate", "--urls", "http://127.0.0.1:0", "--progress", "plain"));
        var previous = await WaitForProgress(connection, host, after: null);

        for (var i = 1; i <= Restarts; i++)
        {
            await RestartServer(restart!);
            Log($"server restarted ({i}) after checkpoint {previous}");
            previous = await WaitForProgress(connection, host, after: previous);
        }

        var simulated = await simulator.WaitForExit(StepDeadline);
        Log($"simulator exited with {simulated}");
        await WaitUntilCaughtUp(connection, host);
        host.HasExited.Should().BeFalse($"the host must ride out the restarts:\n{host.Output}");
        host.Terminate();
        (await host.WaitForExit(CommandDeadline)).Should().Be(0, host.Output);

        var verify = await AppProcess.Run(Args(connection, "verify", "all"), HistoryDeadline); // it folds the whole history again
        Log("verify:\n" + string.Join('\n', verify.Output.Split('\n').Take(20)));
        verify.Output.Should().Contain("verify: 0 mismatches");
        verify.ExitCode.Should().Be(0);
    }

    private string[] Args(string connection, params string[] args) => [.. args, "--eventstore", connection, "--data-dir", _data.Path];

    private async Task<List<string>> Status(string connection)
    {
        var (exitCode, output) = await AppProcess.Run(Args(connection, "status"), CommandDeadline);
        return exitCode == 0 ? output.Split('\n').Where(l => l.StartsWith("plant-items:") || l.StartsWith("station-load:")).ToList() : [];
    }

    /// <summary>Waits until plant-items has a checkpoint other than <paramref name="after"/> (the server serves again and the host moved on).</summary>
    private async Task<string> WaitForProgress(string connection, AppProcess host, string? after)
    {
        var checkpoint = await Eventually.Value(async () =>
        {
            if (host.HasExited) throw new InvalidOperationException($"the host exited:\n{host.Output}");
            var line = (await Status(connection)).FirstOrDefault(l => l.StartsWith("plant-items:"));
            var value = line?.Split(", checkpoint ")[1].Split(',')[0];
            return value is not null && value != "-" && value != after ? value : null;
        }, StepDeadline, () => $"plant-items made no progress past {after ?? "the start"}:\n{host.Output}", TimeSpan.FromMilliseconds(500));
        Log($"plant-items checkpoint {checkpoint}");
        return checkpoint;
    }

    /// <summary>
    /// The server may hold a long history of other runs, all of it read from the start of $all: the wait fails when
    /// no projection's checkpoint moved for a step deadline (or after <see cref="HistoryDeadline"/>), not after a fixed time.
    /// </summary>
    private async Task WaitUntilCaughtUp(string connection, AppProcess host)
    {
        string[] last = [];
        var moved = Stopwatch.StartNew();
        await Eventually.Value(async () =>
        {
            if (host.HasExited) throw new InvalidOperationException($"the host exited:\n{host.Output}");
            var lines = await Status(connection);
            if (lines.Count == 2 && lines.All(l => l.Contains(", caught up,"))) return "";
            var checkpoints = lines.Select(l => l.Split(", checkpoint ").ElementAtOrDefault(1)?.Split(',')[0] ?? "-").ToArray();
            if (!checkpoints.SequenceEqual(last))
            {
                last = checkpoints;
                moved.Restart();
            }
            if (moved.Elapsed > StepDeadline) throw new TimeoutException($"no projection moved past {string.Join(", ", last)} for {StepDeadline}:\n{host.Output}");
            return null;
        }, HistoryDeadline, () => $"the host did not catch up within {HistoryDeadline}:\n{host.Output}", TimeSpan.FromMilliseconds(500));
    }

    private static async Task RestartServer(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not run {RestartVariable}.");
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.Should().Be(0, $"{RestartVariable} must restart the server");
    }

    private void Log(string line) => log.WriteLine($"[{_clock.Elapsed.TotalSeconds:0.0}s] {line}");
}
