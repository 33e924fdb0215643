using System.Text;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Projections.Core;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Runtime;
using Projections.Sqlite.Documents;
using Projections.Testing;
using Projections.Testing.Logging;
using Xunit;

namespace Projections.Sqlite.Tests.Outages;

/// <summary>
/// Issue 12 item 4: the SQLite projection store becomes unavailable (disk full, locked by another
/// process); the projection pauses with one log line, holds no more than its unflushed window in
/// memory, and resumes by itself with nothing lost.
/// </summary>
public sealed class StoreOutageTests
{
    private const int Window = 40;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProjectionEngineOptions Options => new()
    {
        Partitions = 2,
        MaxUnflushedEvents = Window,
        WallClockAdvancesIdleStreamTime = false,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task A_full_disk_pauses_the_projection_with_one_log_line_and_it_resumes_with_nothing_lost_once_space_is_freed()
    {
        using var disk = SmallFilesystem.MountOrSkip(megabytes: 4);
        var source = new InMemoryEventStore();
        var logs = new RecordingLoggerFactory();
        using var store = new SqliteProjectionStore(new SqliteStoreOptions(Path.Combine(disk.Directory, "projections.db")) { BusyTimeout = TimeSpan.FromSeconds(1) });
        await using var engine = new ProjectionEngine(source, store, [new TallyProjection()], Options, loggerFactory: logs);
        await engine.StartAsync(Ct);
        var runtime = engine.Runtimes[0];
        await AppendAndWait(source, runtime, 0, 20);

        disk.Fill();
        var last = Append(source, 20, 400);
        await Eventually.Until(() => runtime.GetStats().Outage is not null, TimeSpan.FromSeconds(30), "the projection reports the store outage", Ct);
        await Eventually.Until(() => logs.Lines.Count(l => l.Message.Contains("still unavailable")) >= 3, TimeSpan.FromSeconds(30), "several retries fail", Ct);
        await AssertPausedWithinWindow(runtime, last);
        runtime.GetStats().Outage!.Reason.Should().Contain("is full (no disk space)");

        disk.Free();
        await runtime.WaitForCheckpoint(last, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await AssertEveryEventCountedOnce(store, 420);
        AssertOneLinePerOutage(logs, runtime);
    }

    [Fact]
    public async Task A_lock_held_by_another_process_pauses_the_projection_with_one_log_line_and_it_resumes_when_released()
    {
        using var directory = new TempDatabase();
        var file = directory.Path("projections.db");
        var source = new InMemoryEventStore();
        var logs = new RecordingLoggerFactory();
        using var store = new SqliteProjectionStore(new SqliteStoreOptions(file) { BusyTimeout = TimeSpan.FromSeconds(1) });
        await using var engine = new ProjectionEngine(source, store, [new TallyProjection()], Options, loggerFactory: logs);
        await engine.StartAsync(Ct);
        var runtime = engine.Runtimes[0];
        await AppendAndWait(source, runtime, 0, 20);

        using var other = await LockingProcess.LockOrSkip(file, Ct);
        var last = Append(source, 20, 400);
        await Eventually.Until(() => runtime.GetStats().Outage is not null, TimeSpan.FromSeconds(30), "the projection reports the store outage", Ct);
        await Eventually.Until(() => logs.Lines.Count(l => l.Message.Contains("still unavailable")) >= 2, TimeSpan.FromSeconds(30), "several retries fail", Ct);
        await AssertPausedWithinWindow(runtime, last);
        runtime.GetStats().Outage!.Reason.Should().Contain("locked by another writer");

        await other.Release();
        await runtime.WaitForCheckpoint(last, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await AssertEveryEventCountedOnce(store, 420);
        AssertOneLinePerOutage(logs, runtime);
    }

    /// <summary>Invariant 6 during the outage: the reader stops at the unflushed window instead of buffering the backlog.</summary>
    private static async Task AssertPausedWithinWindow(IProjectionRuntime runtime, GlobalPosition last)
    {
        await Eventually.Until(() => runtime.GetStats().UnflushedEvents > Window, TimeSpan.FromSeconds(30), "the reader fills its window", Ct);
        var stats = runtime.GetStats();
        stats.UnflushedEvents.Should().BeLessThanOrEqualTo(Window + 1, "the reader pauses at the window");
        stats.Processed!.Value.Should().BeLessThan(last, "the backlog stays in the event store, not in memory");
        runtime.Status.Should().NotBe(ProjectionStatus.Stopped, "an outage pauses the projection, it does not stop it");
    }

    private static void AssertOneLinePerOutage(RecordingLoggerFactory logs, IProjectionRuntime runtime)
    {
        logs.AtLeast(LogLevel.Warning).Should().ContainSingle("one warning per outage, however many retries: {0}", string.Join(" | ", logs.AtLeast(LogLevel.Warning)))
            .Which.Message.Should().Contain("paused").And.Contain("projection store");
        logs.Lines.Where(l => l.Message.Contains("resumed")).Should().ContainSingle();
        runtime.GetStats().Outage.Should().BeNull();
    }

    private static async Task AssertEveryEventCountedOnce(SqliteProjectionStore store, int events)
    {
        var total = 0;
        await foreach (var doc in store.LoadAllDocuments("tally", 1, Ct))
            total += JsonSerializer.Deserialize<Tally>(doc.StateJson.Span, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.Count;
        total.Should().Be(events, "every event is applied exactly once across the outage");
    }

    private static async Task AppendAndWait(InMemoryEventStore source, IProjectionRuntime runtime, int from, int count) =>
        await runtime.WaitForCheckpoint(Append(source, from, count), Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

    /// <summary>Events to 100 streams, each carrying 2 KB so the documents need new pages on disk.</summary>
    private static GlobalPosition Append(InMemoryEventStore source, int from, int count)
    {
        var padding = new string('x', 2048);
        AppendResult last = default!;
        for (var i = from; i < from + count; i++)
            last = source.AppendAt($"t-{i % 100}", nameof(Counted), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Counted(i, padding), new JsonSerializerOptions(JsonSerializerDefaults.Web))), DateTimeOffset.UtcNow);
        return last.Position;
    }
}
