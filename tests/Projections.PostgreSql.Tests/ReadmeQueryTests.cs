using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using Npgsql;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Stations;
using Projections.Core;
using Projections.Core.InMemory;
using Projections.Core.Projections;
using Projections.Core.Replay;
using Projections.Testing.PostgreSql;
using Xunit;

namespace Projections.PostgreSql.Tests;

/// <summary>
/// The README's psql examples, run verbatim against a real server after the engine projected a simulated
/// plant into it: each returns what the projection's stored states say, and the store verifies against the events.
/// </summary>
public sealed partial class ReadmeQueryTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_readme_queries_return_what_the_projected_plant_says()
    {
        await using var db = await TestDatabase.Create(server, "readme");
        var items = await Project(db);
        var queries = ReadmeQueries();

        var atStation = items.Where(i => Text(i, "status") == "Active" && Text(i, "currentStation") == "S03").Select(Key).Order(StringComparer.Ordinal).ToList();
        atStation.Should().NotBeEmpty("the workload must leave active items at S03 for the query to prove anything");
        (await Keys(db, queries["Active items at station S03"])).Should().Equal(atStation);

        var lost = items.Where(i => Text(i, "status") == "Lost")
            .OrderBy(i => Text(i, "lostSince"), StringComparer.Ordinal).ThenBy(Key, StringComparer.Ordinal).Select(Key).ToList();
        lost.Should().NotBeEmpty();
        (await Keys(db, queries["Lost items, the longest lost first"])).Should().Equal(lost);

        var deviating = items.Where(i => i["deviations"]!.AsArray().Count > 0).Select(Key).Order(StringComparer.Ordinal).ToList();
        deviating.Should().NotBeEmpty();
        (await Keys(db, queries["Items with deviations"])).Should().Equal(deviating);

        var kinds = items.SelectMany(i => i["deviations"]!.AsArray().Select(d => (Kind: d!["kind"]!.GetValue<string>(), Key: Key(i))))
            .GroupBy(d => d.Kind).Select(g => (g.Key, (long)g.Count(), (long)g.Select(d => d.Key).Distinct().Count()))
            .OrderByDescending(k => k.Item2).ThenBy(k => k.Key, StringComparer.Ordinal).ToList();
        (await Rows(db, queries["Which deviation kinds occur most"])).Select(r => ((string)r[0]!, (long)r[1]!, (long)r[2]!)).Should().Equal(kinds);

        foreach (var (comment, sql) in queries) (await Rows(db, sql)).Should().NotBeNull(comment);
    }

    /// <summary>Runs the plant simulator into an in-memory event log and the engine into PostgreSQL; returns the stored plant-items states.</summary>
    private static async Task<List<JsonObject>> Project(TestDatabase db)
    {
        var events = new InMemoryEventStore();
        var store = await db.OpenStore();
        IProjection[] projections = [new PlantItemsProjection(), new StationLoadProjection()];
        await new PlantSimulator(events, new PlantSimulatorOptions
        {
            Seed = 7, Items = 60, Stations = 8, EventsPerSecond = null, TotalEvents = 4_000,
            LateProbability = 0.05, OutOfOrderProbability = 0.05, DuplicateProbability = 0.05, LostProbability = 0.05,
        }).RunAsync(cancellationToken: Ct);
        var head = await events.ReadHeadPosition(Ct);
        await using (var engine = new ProjectionEngine(events, store, projections, new ProjectionEngineOptions { Partitions = 2, WallClockAdvancesIdleStreamTime = false }))
        {
            await engine.StartAsync(Ct);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(120));
            foreach (var runtime in engine.Runtimes) await runtime.WaitForCheckpoint(head, deadline.Token);
            await engine.StopAsync(Ct);
        }
        foreach (var projection in projections)
            (await ProjectionVerifier.Verify(projection, events, store, null, Ct)).Mismatches.Should().BeEmpty(projection.Name);

        var documents = await store.LoadAllDocuments(projections[0].Name, 1, Ct).ToListAsync(Ct);
        return documents.Select(d =>
        {
            var state = JsonNode.Parse(d.StateJson.Span)!.AsObject();
            state["__key"] = d.Key;
            return state;
        }).ToList();
    }

    /// <summary>Every SELECT of the README's PostgreSQL section, by the comment line above it (without its parenthesis).</summary>
    private static Dictionary<string, string> ReadmeQueries()
    {
        var readme = File.ReadAllText(ReadmePath());
        var section = readme[readme.IndexOf("## Query read models in PostgreSQL", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var queries = new Dictionary<string, string>();
        foreach (Match block in SqlBlock().Matches(section))
            foreach (Match query in CommentedQuery().Matches(block.Groups[1].Value))
                queries[query.Groups[1].Value.Split(" (")[0].Trim()] = query.Groups[2].Value.Trim();
        return queries;
    }

    private static async Task<List<object?[]>> Rows(TestDatabase db, string sql) => await db.Query($"SET search_path = projections; {sql}");

    private static async Task<List<string>> Keys(TestDatabase db, string sql) => (await Rows(db, sql)).Select(r => (string)r[0]!).ToList();

    private static string Key(JsonObject item) => item["__key"]!.GetValue<string>();

    private static string? Text(JsonObject item, string field) => item[field]?.GetValue<string>();

    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Projections.sln"))) return Path.Combine(dir.FullName, "README.md");
        throw new InvalidOperationException("Projections.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    // "-- comment" then the statement up to the next ";" at a line end (several statements may share one comment's line).
    [GeneratedRegex(@"^-- (.+)\n((?:(?!--).*\n)*?.*;)\s*$", RegexOptions.Multiline)]
    private static partial Regex CommentedQuery();
}
