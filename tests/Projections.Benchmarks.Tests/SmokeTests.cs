using FluentAssertions;
using Projections.Benchmarks.Cli;
using Projections.Benchmarks.Running;
using Xunit;

namespace Projections.Benchmarks.Tests;

/// <summary>
/// The documented benchmark command works: every local scenario runs on a tiny workload and lands in
/// the table. It judges no figure — performance is measured by the benchmark itself, not by tests.
/// </summary>
public sealed class SmokeTests
{
    /// <summary>The smoke workload finishes in under a minute even on a busy machine; a scenario that never reaches its head fails here instead of hanging the suite.</summary>
    [Fact(Timeout = 300_000)]
    public async Task Every_local_scenario_runs_and_reports_a_row()
    {
        var table = Path.Combine(Path.GetTempPath(), $"bench-smoke-{Guid.NewGuid():N}.md");
        try
        {
            var exitCode = await ScenarioRunner.Run(BenchOptionsParser.Parse(["--smoke", "--out", table]), TestContext.Current.CancellationToken);

            exitCode.Should().Be(0);
            var markdown = await File.ReadAllTextAsync(table, TestContext.Current.CancellationToken);
            foreach (var scenario in new[] { "1a.", "2a.", "3a.", "4.", "5." })
                markdown.Should().Contain(scenario);
            markdown.Should().NotContain("FAILED").And.NotContain("SKIPPED");
        }
        finally
        {
            File.Delete(table);
        }
    }
}
