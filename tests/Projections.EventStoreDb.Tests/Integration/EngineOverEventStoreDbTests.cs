using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FluentAssertions;
using Projections.Core;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Testing;
using Projections.Testing.Logging;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>The engine reading from a real EventStoreDB: every event counted once, also across a connection outage.</summary>
[Collection(EventStoreDbCollection.Name)]
public sealed class EngineOverEventStoreDbTests(EventStoreDbServer server)
{
    public sealed record Tally(string Key, int Count, int Sum);
    public sealed record Counted(int N);

    private sealed class TallyProjection : Projection<Tally>
    {
        public TallyProjection(string prefix) : base("tally-" + prefix.TrimEnd('-'))
        {
            JsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
            FromStreams(prefix);
            Initially(key => new Tally(key, 0, 0));
            On<Counted>((t, e) => t with { Count = t.Count + 1, Sum = t.Sum + e.N });
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Engine_projects_every_event_once_across_a_cut_connection()
    {
        var target = new Uri(server.RequireConnectionString().Replace("esdb://", "http://", StringComparison.Ordinal));
        await using var writer = EventStoreDbEventStore.Connect(server.RequireConnectionString());
        await using var proxy = new TcpOutageProxy(target.Host, target.Port);
        await using var source = EventStoreDbEventStore.Connect($"esdb://127.0.0.1:{proxy.Port}?tls=false",
            new EventStoreDbOptions { ReconnectMaxDelay = TimeSpan.FromMilliseconds(300), LiveIdleCheckpointInterval = TimeSpan.FromMilliseconds(200) });
        var prefix = UniquePrefix("tally-");
        var projection = new TallyProjection(prefix);
        var store = new InMemoryProjectionStore();

        await AppendRound(writer, prefix, 0);
        await using var engine = new ProjectionEngine(source, store, [projection]);
        await engine.StartAsync(Ct);
        var runtime = engine.Runtimes[0];
        await runtime.WaitForCheckpoint(await writer.ReadHeadPosition(Ct), Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await proxy.GoAway();
        var last = await AppendRound(writer, prefix, 1);
        proxy.ComeBack();
        await runtime.WaitForCheckpoint(last, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        for (var s = 0; s < 3; s++)
        {
            var doc = await runtime.LoadPersisted($"{prefix}{s}", Ct);
            var tally = JsonSerializer.Deserialize<Tally>(doc!.StateJson.Span, new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() })!;
            tally.Count.Should().Be(20, "10 events per round, 2 rounds, none lost or applied twice");
            tally.Sum.Should().Be(Enumerable.Range(0, 20).Sum());
        }
    }

    [Fact]
    public async Task Engine_pauses_with_one_log_line_while_the_server_restarts_and_resumes_with_nothing_lost()
    {
        var connection = server.RequireConnectionString();
        if (!server.CanRestart) MissingServer.SkipOrFail(TestServer.EventStoreDB, $"none that can be restarted: set {EventStoreDbServer.RestartVariable} to a command that restarts the server at {EventStoreDbServer.ConnectionVariable} with its data.");
        await using var writer = EventStoreDbEventStore.Connect(connection);
        await using var source = EventStoreDbEventStore.Connect(connection,
            new EventStoreDbOptions { ReconnectMaxDelay = TimeSpan.FromMilliseconds(500), LiveIdleCheckpointInterval = TimeSpan.FromMilliseconds(200) });
        var prefix = UniquePrefix("tally-");
        var logs = new RecordingLoggerFactory();
        await AppendRound(writer, prefix, 0);
        await using var engine = new ProjectionEngine(source, new InMemoryProjectionStore(), [new TallyProjection(prefix)], loggerFactory: logs);
        await engine.StartAsync(Ct);
        var runtime = engine.Runtimes[0];
        await runtime.WaitForCheckpoint(await writer.ReadHeadPosition(Ct), Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await server.Restart(Ct);
        var last = await AppendRound(writer, prefix, 1);
        await runtime.WaitForCheckpoint(last, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        await AssertCounted(runtime, prefix, 20);
        logs.Lines.Where(l => l.Message.Contains("paused")).Should().ContainSingle("one line per outage, however many reconnects")
            .Which.Message.Should().Contain("event source");
        logs.Lines.Where(l => l.Message.Contains("resumed")).Should().ContainSingle();
        runtime.GetStats().Outage.Should().BeNull();
    }

    private static async Task AssertCounted(IProjectionRuntime runtime, string prefix, int perStream)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        for (var s = 0; s < 3; s++)
        {
            var doc = await runtime.LoadPersisted($"{prefix}{s}", Ct);
            JsonSerializer.Deserialize<Tally>(doc!.StateJson.Span, json)!.Count.Should().Be(perStream, "no event lost or applied twice");
        }
    }

    private static async Task<GlobalPosition> AppendRound(EventStoreDbEventStore store, string prefix, int round)
    {
        var requests = Enumerable.Range(0, 3)
            .Select(s => new AppendRequest($"{prefix}{s}", ExpectedRevision.Any, Events(nameof(Counted), 10, round * 10)))
            .ToList();
        var results = await store.AppendMany(requests, Ct);
        return results.Max(r => r.Position);
    }
}
