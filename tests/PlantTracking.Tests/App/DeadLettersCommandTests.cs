using System.Text.Json;
using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Tests.Hostile;
using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Hosting;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// <c>dead-letters</c> through the sample's real command line, beside an engine that parked a real poison
/// event on the embedded store: list, show one in full, export, fix and import again.
/// </summary>
public sealed class DeadLettersCommandTests : IDisposable
{
    private const string Item = "item-000001";
    private static readonly DateTimeOffset T0 = PlantRun.T0;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<(int ExitCode, string Output, string Error)> Run(PlantRun run, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await PlantApp.RunAsync([.. args, "--data-dir", run.DataDirectory], output, error, stop: Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static async Task<PlantRun> ParkedRun(string poisonJson)
    {
        var run = await PlantRun.Start(onPoison: PoisonEventPolicy.Park);
        await run.Append(Item, PlantEventTypes.ItemRegistered, new ItemRegistered("000001", "pump", T0));
        await run.AppendRaw(Item, PlantEventTypes.ItemDetected, poisonJson);
        await run.Settle();
        return run;
    }

    private static async Task<GlobalPosition> ParkedPosition(PlantRun run) =>
        (await run.Items.ReadDeadLetters(0, 10, Ct)).Should().ContainSingle().Subject.Position;

    [Fact]
    public async Task The_list_names_the_parked_event_and_show_prints_it_in_full()
    {
        await using var run = await ParkedRun("detected at S1, honest");
        var position = await ParkedPosition(run);

        var list = await Run(run, "dead-letters", "plant-items");

        list.ExitCode.Should().Be(ExitCodes.Ok, list.Error);
        var lines = list.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("plant-items generation 1 (active): 1 dead letters, 1-1 shown (page 1)");
        lines[1].Should().StartWith($"  {position}  {Item} #1  {PlantEventTypes.ItemDetected}  parked ").And.Contain("JsonException");
        lines.Should().HaveCount(2);

        var show = await Run(run, "dead-letters", "plant-items", "--show", position.ToString());

        show.ExitCode.Should().Be(ExitCodes.Ok, show.Error);
        show.Output.Should().Contain($"stream:    {Item} (event 1)")
            .And.Contain($"type:      {PlantEventTypes.ItemDetected}")
            .And.MatchRegex(@"reason:    .*JsonException")
            .And.Contain("payload (22 bytes):" + Environment.NewLine + "detected at S1, honest");
    }

    [Fact]
    public async Task Pages_list_the_letters_in_position_order_and_say_where_the_next_page_is()
    {
        await using var run = await PlantRun.Start(onPoison: PoisonEventPolicy.Park);
        await run.Append(Item, PlantEventTypes.ItemRegistered, new ItemRegistered("000001", "pump", T0));
        var bad = new List<GlobalPosition>();
        for (var i = 0; i < 3; i++) bad.Add((await run.AppendRaw(Item, PlantEventTypes.ItemDetected, $"junk {i}")).Position);
        await run.Settle();

        var first = await Run(run, "dead-letters", "plant-items", "--page-size", "2");
        var second = await Run(run, "dead-letters", "plant-items", "--page-size", "2", "--page", "2");

        first.Output.Should().StartWith("plant-items generation 1 (active): 3 dead letters, 1-2 shown (page 1)")
            .And.Contain($"  {bad[0]}  ").And.Contain($"  {bad[1]}  ").And.NotContain($"  {bad[2]}  ")
            .And.Contain("next page: --page 2");
        second.Output.Should().StartWith("plant-items generation 1 (active): 3 dead letters, 3-3 shown (page 2)")
            .And.Contain($"  {bad[2]}  ").And.NotContain("next page");
    }

    [Fact]
    public async Task An_exported_dead_letter_fixed_and_imported_is_applied_once()
    {
        const string missingStation = """{"itemId":"000001","station":null,"previousStation":null,"detectedAt":"2026-03-01T06:05:00+00:00","messageId":"m-1"}""";
        await using var run = await ParkedRun(missingStation);
        var position = await ParkedPosition(run);
        var file = _files.Combine("parked.jsonl");

        var export = await Run(run, "dead-letters", "plant-items", "--export", file);

        export.ExitCode.Should().Be(ExitCodes.Ok, export.Error);
        export.Output.Should().Contain($"Exported 1 dead letters of plant-items generation 1 to {file}.");
        var line = (await File.ReadAllLinesAsync(file, Ct)).Should().ContainSingle().Subject;
        var parked = JsonDocument.Parse(line).RootElement;
        parked.GetProperty("stream").GetString().Should().Be(Item);
        parked.GetProperty("type").GetString().Should().Be(PlantEventTypes.ItemDetected);
        parked.GetProperty("parked").GetProperty("position").GetString().Should().Be(position.ToString());

        await File.WriteAllTextAsync(file, line.Replace("\"station\":null", "\"station\":\"S1\"", StringComparison.Ordinal) + "\n", Ct);
        var import = await Run(run, "import", file);
        var again = await Run(run, "import", file);

        import.Output.Should().Contain("Imported 1 events, 0 already present", import.Error);
        again.Output.Should().Contain("Imported 0 events, 1 already present");
        await run.Settle();
        var item = (await run.Stored<PlantItem>(run.Items, Item))!;
        item.DetectionCount.Should().Be(1, "the fixed event is applied, once");
        item.CurrentStation.Should().Be("S1");
    }

    [Fact]
    public async Task A_payload_that_is_not_json_is_exported_as_its_text_and_import_refuses_it_until_fixed()
    {
        await using var run = await ParkedRun("detected at S1, honest");
        var file = _files.Combine("parked.jsonl");

        (await Run(run, "dead-letters", "plant-items", "--export", file)).ExitCode.Should().Be(ExitCodes.Ok);
        var line = (await File.ReadAllLinesAsync(file, Ct)).Should().ContainSingle().Subject;
        JsonDocument.Parse(line).RootElement.GetProperty("data").GetString().Should().Be("detected at S1, honest");

        var import = await Run(run, "import", file);

        import.ExitCode.Should().Be(ExitCodes.UsageError);
        import.Error.Should().Contain("line 1: \"data\" must be a JSON object");
    }

    [Theory]
    [InlineData(new[] { "dead-letters", "nope" }, "error: Unknown projection 'nope' for dead-letters; expected one of: plant-items, station-load.")]
    [InlineData(new[] { "dead-letters" }, "error: dead-letters needs a projection, one of: plant-items, station-load.")]
    [InlineData(new[] { "dead-letters", "plant-items", "--show", "999999" }, "error: plant-items generation 1 has no dead letter at position 999999; dead-letters plant-items lists them.")]
    [InlineData(new[] { "dead-letters", "plant-items", "--generation", "7" }, "error: plant-items has no generation 7; it has generation 1 (active) (earlier ones and their dead letters were dropped at the switch).")]
    public async Task A_wrong_projection_position_or_generation_is_one_line_and_exit_code_2(string[] args, string expected)
    {
        await using var run = await ParkedRun("junk");

        var result = await Run(run, args);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Error.Should().Be(expected + Environment.NewLine);
        result.Output.Should().BeEmpty();
    }
}
