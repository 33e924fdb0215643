using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Stations;
using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace PlantTracking.Tests.Hostile;

/// <summary>
/// Issue 12 item 5: the hostile-input corpus through the real pipeline (SQLite event store → engine →
/// SQLite projection store) and the plant's projections. Each case pins its documented outcome
/// (README "Hostile input"): applied, ignored, parked, or stopped with the event named — and a stopped
/// projection stays stopped at the same event after a restart instead of crash-looping.
/// </summary>
public sealed class HostileInputTests
{
    private const string Item = "item-000001";
    private static readonly DateTimeOffset T0 = PlantRun.T0;

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "not JSON", PlantEventTypes.ItemDetected, "detected at S1, honest" },
        { "an empty object", PlantEventTypes.ItemDetected, "{}" },
        { "an array", PlantEventTypes.ItemDetected, "[]" },
        { "JSON null", PlantEventTypes.ItemDetected, "null" },
        { "null for a required field", PlantEventTypes.ItemDetected,
            """{"itemId":"000001","station":null,"previousStation":null,"detectedAt":"2026-03-01T06:05:00+00:00","messageId":"m-1"}""" },
        { "a number where a date belongs", PlantEventTypes.ItemRegistered, """{"itemId":"000001","productType":"pump","registeredAt":42}""" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_payload_stops_both_projections_naming_the_event_and_a_restart_stops_at_the_same_event(string what, string type, string json)
    {
        await using var run = await PlantRun.Start();
        await Register(run);
        var bad = await run.AppendRaw(Item, type, json);
        await run.Settle();

        foreach (var runtime in type == PlantEventTypes.ItemDetected ? [run.Items, run.Stations] : new[] { run.Items })
            AssertStoppedAt(runtime, bad, type, what);

        await run.Restart();
        await run.Settle();
        AssertStoppedAt(run.Items, bad, type, what + " after a restart");
        (await run.Items.LoadPersisted(Item, TestContext.Current.CancellationToken)).Should().NotBeNull("what came before the bad event stays persisted");
    }

    [Fact]
    public async Task With_the_park_policy_a_malformed_payload_is_parked_and_the_events_after_it_are_applied()
    {
        await using var run = await PlantRun.Start(onPoison: PoisonEventPolicy.Park);
        await Register(run);
        var bad = await run.AppendRaw(Item, PlantEventTypes.ItemDetected, "{}");
        await run.Append(Item, PlantEventTypes.ItemDetected, new ItemDetected("000001", "S1", null, T0.AddMinutes(6), "m-1"));
        await run.Settle();

        foreach (var runtime in new[] { run.Items, run.Stations })
        {
            runtime.Status.Should().NotBe(ProjectionStatus.Stopped);
            var letters = await runtime.ReadDeadLetters(0, 10, TestContext.Current.CancellationToken);
            letters.Should().ContainSingle().Which.Position.Should().Be(bad.Position);
        }
        (await run.Stored<PlantItem>(run.Items, Item))!.DetectionCount.Should().Be(1);
    }

    [Fact]
    public async Task A_payload_near_the_event_store_size_limit_is_applied()
    {
        // EventStoreDB refuses appends over 1 MiB by default (MaxAppendSize); this one is just under it.
        var text = new string('a', 1_000_000);
        await using var run = await PlantRun.Start();
        await Register(run);
        await run.Append(Item, PlantEventTypes.AnnotationAdded, new AnnotationAdded("000001", "n-1", "ops", text, T0.AddMinutes(1)));
        await run.Settle();

        run.Items.Status.Should().NotBe(ProjectionStatus.Stopped);
        (await run.Stored<PlantItem>(run.Items, Item))!.Annotations.Should().ContainSingle().Which.Text.Should().HaveLength(text.Length);
    }

    [Theory]
    [InlineData("item-\"quoted\" and 'single'")]
    [InlineData("item-a/b\\c/../d")]
    [InlineData("item- with  spaces ")]
    [InlineData("item-ünïcødé-工場-🏭")]
    [InlineData("item-'; DROP TABLE events; --")]
    public async Task Stream_ids_with_quotes_slashes_spaces_and_non_ascii_are_applied_under_their_exact_key(string stream)
    {
        await using var run = await PlantRun.Start();
        await run.Append(stream, PlantEventTypes.ItemRegistered, new ItemRegistered("x", "pump", T0));
        await run.Append(stream, PlantEventTypes.ItemDetected, new ItemDetected("x", "S1", null, T0.AddMinutes(1), "m-1"));
        await run.Settle();

        var item = await run.Stored<PlantItem>(run.Items, stream);
        item.Should().NotBeNull();
        item!.Id.Should().Be(stream);
        item.DetectionCount.Should().Be(1);
        (await run.Stored<StationLoad>(run.Stations, "S1"))!.Arrivals.Should().Be(1);
    }

    [Fact]
    public async Task Unknown_event_types_are_ignored_and_the_checkpoint_moves_past_them()
    {
        await using var run = await PlantRun.Start();
        await Register(run);
        var unknown = await run.AppendRaw(Item, "ItemTeleported", "not even JSON");
        await run.Settle();

        run.Items.GetStats().Checkpoint!.Value.Should().BeGreaterThanOrEqualTo(unknown.Position);
        run.Stations.GetStats().Checkpoint!.Value.Should().BeGreaterThanOrEqualTo(unknown.Position);
        run.Items.Status.Should().NotBe(ProjectionStatus.Stopped);
        (await run.Stored<PlantItem>(run.Items, Item))!.ProductType.Should().Be("pump");
    }

    [Fact]
    public async Task A_duplicate_event_id_or_a_duplicate_message_id_is_applied_once()
    {
        await using var run = await PlantRun.Start();
        await Register(run);
        var detected = new ItemDetected("000001", "S1", null, T0.AddMinutes(5), "m-1");
        var eventId = Guid.NewGuid();
        await run.Append(Item, PlantEventTypes.ItemDetected, detected, eventId);
        await run.Append(Item, PlantEventTypes.ItemDetected, detected, eventId); // the SQLite store keeps both; EventStoreDB would deduplicate
        await run.Append(Item, PlantEventTypes.ItemDetected, detected with { DetectedAt = T0.AddMinutes(7) }); // same message id, new event id
        await run.Settle();

        (await run.Stored<PlantItem>(run.Items, Item))!.DetectionCount.Should().Be(1);
        (await run.Stored<StationLoad>(run.Stations, "S1"))!.Arrivals.Should().Be(1);
    }

    [Fact]
    public async Task Script_tags_in_every_free_text_field_are_stored_verbatim_as_text()
    {
        const string script = "<script>alert('x')</script>\"&<img src=x onerror=alert(1)>";
        await using var run = await PlantRun.Start();
        await run.Append(Item, PlantEventTypes.ItemRegistered, new ItemRegistered(script, script, T0));
        await run.Append(Item, PlantEventTypes.PlanAssigned, new PlanAssigned(script, [new PlannedStation(script, TimeSpan.FromMinutes(3))], T0));
        await run.Append(Item, PlantEventTypes.PlanChanged, new PlanChanged(script, [new PlannedStation(script, TimeSpan.FromMinutes(4))], T0.AddMinutes(1), script));
        await run.Append(Item, PlantEventTypes.ItemDetected, new ItemDetected(script, script, script + "-before", T0.AddMinutes(2), script));
        await run.Append(Item, PlantEventTypes.AnnotationAdded, new AnnotationAdded(script, script, script, script, T0.AddMinutes(3)));
        await run.Append(Item, PlantEventTypes.AnnotationEdited, new AnnotationEdited(script, script, script, script + "!", T0.AddMinutes(4)));
        await run.Append(Item, PlantEventTypes.ItemCompleted, new ItemCompleted(script, script, T0.AddMinutes(5)));
        await run.Settle();

        run.Items.Status.Should().NotBe(ProjectionStatus.Stopped);
        var item = (await run.Stored<PlantItem>(run.Items, Item))!;
        item.ItemId.Should().Be(script);
        item.ProductType.Should().Be(script);
        item.CurrentStation.Should().Be(script);
        item.Plan.Should().ContainSingle().Which.Station.Should().Be(script);
        item.Detections.Should().ContainSingle().Which.MessageId.Should().Be(script);
        item.Annotations.Should().ContainSingle().Which.Should().Match<Annotation>(a => a.Id == script && a.Author == script && a.Text == script + "!" && a.EditedBy == script);
        item.Status.Should().Be(ItemStatus.Completed);
        (await run.Stored<StationLoad>(run.Stations, script))!.Arrivals.Should().Be(1, "a station named with markup is a key like any other");
        (await run.Stored<StationLoad>(run.Stations, script + "-before")).Should().NotBeNull();
    }

    private static async Task Register(PlantRun run)
    {
        await run.Append(Item, PlantEventTypes.ItemRegistered, new ItemRegistered("000001", "pump", T0));
        await run.Settle();
    }

    private static void AssertStoppedAt(IProjectionRuntime runtime, AppendResult bad, string type, string what)
    {
        runtime.Status.Should().Be(ProjectionStatus.Stopped, $"{runtime.Name} stops on {what}");
        var error = runtime.Error.Should().BeOfType<ProjectionFailedException>().Subject;
        error.Position.Should().Be(bad.Position, what);
        error.StreamId.Should().Be(Item);
        error.EventType.Should().Be(type);
        error.Message.Should().Contain($"stream '{Item}'").And.Contain($"global position {bad.Position}").And.Contain($"'{type}'");
        (runtime.GetStats().Checkpoint ?? GlobalPosition.Start).Should().BeLessThan(bad.Position, "nothing at or after the bad event is checkpointed");
    }
}
