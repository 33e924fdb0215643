using FluentAssertions;
using Microsoft.Extensions.Logging;
using Projections.Core.InMemory;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;
using Projections.Testing.Logging;

namespace Projections.Core.Tests;

/// <summary>Issue 12 item 4: an event source outage is one log line and a reported outage, and reading resumes after it.</summary>
public sealed class SourceOutageTests
{
    [Fact]
    public async Task A_source_outage_logs_one_line_is_reported_while_it_lasts_and_ends_with_one_line()
    {
        var events = new InMemoryEventStore();
        var source = new FlakySource(events);
        var logs = new RecordingLoggerFactory();
        await using var engine = new ProjectionEngine(source, new InMemoryProjectionStore(), [new CounterProjection()], Harness.DefaultOptions, loggerFactory: logs);
        await engine.StartAsync(Harness.Cancel());
        var runtime = engine.Runtimes[0];
        var json = System.Text.Encoding.UTF8.GetBytes("""{"seq":1}""");
        events.AppendAt("c-1", "Bumped", json, DateTimeOffset.UtcNow);
        await runtime.WaitForCheckpoint((await events.ReadHeadPosition(Harness.Cancel())), Harness.Cancel());

        source.Down = true;
        events.AppendAt("c-1", "Bumped", json, DateTimeOffset.UtcNow); // wakes the subscription, which then notices the drop
        await Eventually.Until(() => source.Reports >= 5, "the source reports itself unavailable several times", TestContext.Current.CancellationToken);
        runtime.GetStats().Outage.Should().NotBeNull().And.Subject.As<OutageInfo>().Reason.Should().Be("connection refused");
        runtime.Status.Should().NotBe(ProjectionStatus.Stopped);

        source.Down = false;
        var last = events.AppendAt("c-1", "Bumped", json, DateTimeOffset.UtcNow);
        await runtime.WaitForCheckpoint(last.Position, Harness.Cancel());

        ((Counter)runtime.GetLive("c-1")!.State).Count.Should().Be(3, "nothing is lost or applied twice across the outage");
        logs.AtLeast(LogLevel.Warning).Should().ContainSingle().Which.Message.Should().Contain("paused").And.Contain("event source (outage test source)");
        logs.Lines.Should().ContainSingle(l => l.Message.Contains("resumed"));
        runtime.GetStats().Outage.Should().BeNull();
    }
}
