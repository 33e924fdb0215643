using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;
using Projections.Hosting;
using Projections.Testing;

namespace PlantTracking.Tests.App;

/// <summary><c>run</c> in-process (stopped through the same path as Ctrl+C), on the embedded stores in a temp directory.</summary>
public sealed partial class RunCommandTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string[] Args(params string[] args) =>
        [.. args, "--data-dir", _data.Path, "--urls", "http://127.0.0.1:0", "--progress", "off", "--wall-clock-advance", "false", "--partitions", "2"];

    private static async Task<(int ExitCode, string Output, string Error)> Command(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await PlantApp.RunAsync(args, output, error, stop: TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    private sealed record RunningHost(Task<int> Exit, StringWriter Output, StringWriter Error, CancellationTokenSource Stop);

    private static RunningHost Start(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var stop = new CancellationTokenSource();
        return new RunningHost(Task.Run(() => PlantApp.RunAsync(args, output, error, stop: stop.Token)), output, error, stop);
    }

    private async Task<string> WaitForStatus(Func<string[], bool> done, RunningHost host)
    {
        return await Eventually.Value(async () =>
        {
            if (host.Exit.IsCompleted) throw new InvalidOperationException($"run exited early ({await host.Exit}):\n{host.Output}\n{host.Error}");
            var status = await Command(Args("status"));
            var lines = status.Output.Split(Environment.NewLine).Where(l => l.StartsWith("plant-items:") || l.StartsWith("station-load:")).ToArray();
            return lines.Length == 2 && done(lines) ? status.Output : null;
        }, Deadline, () => $"status not reached; host output:\n{host.Output}\n{host.Error}", TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task By_default_run_simulates_projects_and_serves_then_stops_with_a_final_checkpoint()
    {
        var host = Start(Args("--total-events", "300", "--rate", "max", "--seed", "7", "--items", "30"));

        var status = await WaitForStatus(lines => lines.All(l => l.Contains(", caught up,")) && HeadOf(lines[0]) >= 300, host);
        host.Stop.Cancel();
        var exitCode = await host.Exit.WaitAsync(Deadline, TestContext.Current.CancellationToken);

        exitCode.Should().Be(ExitCodes.Ok, host.Error.ToString());
        var output = host.Output.ToString();
        output.Should().Contain("Events from SQLite event store").And.Contain("Simulating the plant workload in-process");
        output.Should().MatchRegex(@"Web dashboard and API: http://127\.0\.0\.1:\d+");
        output.Should().MatchRegex(@"plant-items: stopped at checkpoint \d+ \(generation 1,").And.MatchRegex(@"station-load: stopped at checkpoint \d+");
        status.Should().Contain("dead letters 0").And.MatchRegex(@"plant-items: .*, stream time \d{4}-\d\d-\d\dT[\d:]+Z \(wall clock .* (ahead|behind)\)");
    }

    [Fact]
    public async Task Rebuild_all_builds_generation_2_of_both_projections_and_verify_agrees_with_it()
    {
        (await Command(Args("simulate", "--total-events", "600", "--rate", "max", "--seed", "11", "--items", "40"))).ExitCode.Should().Be(ExitCodes.Ok);

        var host = Start(Args("run", "--no-simulate", "--rebuild", "all"));
        var status = await WaitForStatus(lines => lines.All(l => l.StartsWith($"{l.Split(':')[0]}: generation 2,") && l.Contains(", caught up,") && !l.Contains("rebuilding")), host);
        host.Stop.Cancel();
        (await host.Exit.WaitAsync(Deadline, TestContext.Current.CancellationToken)).Should().Be(ExitCodes.Ok, host.Error.ToString());

        var verify = await Command(Args("verify"));
        verify.ExitCode.Should().Be(ExitCodes.Ok, verify.Output);
        verify.Output.Should().Contain("plant-items (generation 2)").And.Contain("station-load (generation 2)").And.Contain("verify: 0 mismatches");
        status.Should().Contain("head 600");
    }

    [Fact]
    public async Task A_port_in_use_is_a_user_error_that_names_the_urls_option()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var result = await Command([.. Args("run", "--no-simulate"), "--urls", $"http://127.0.0.1:{port}"]);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Error.Should().StartWith("error: ").And.Contain($"127.0.0.1:{port}").And.Contain("--urls (Projections:Web:Urls, PROJECTIONS__WEB__URLS)");
        result.Error.Trim().Split('\n').Should().HaveCount(1);
    }

    private static long HeadOf(string statusLine) => long.Parse(HeadPattern().Match(statusLine).Groups[1].Value);

    [GeneratedRegex(@"head (\d+)")]
    private static partial Regex HeadPattern();
}
