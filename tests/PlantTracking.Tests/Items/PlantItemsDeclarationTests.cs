using System.Text;
using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Tests.Support;
using Projections.Core.Projections;
using static PlantTracking.Tests.Support.Plant;

namespace PlantTracking.Tests.Items;

public sealed class PlantItemsDeclarationTests
{
    private readonly PlantItemsProjection _projection = new();

    [Fact]
    public void It_reads_item_streams_and_exactly_the_plant_event_types()
    {
        _projection.Name.Should().Be("plant-items");
        _projection.Filter.StreamPrefixes.Should().Equal("item-");
        _projection.Filter.EventTypes.Should().BeEquivalentTo(PlantEventTypes.All);
        _projection.HasTimeoutHandler.Should().BeTrue();
    }

    public static TheoryData<string, byte[], DateTimeOffset> EventsWithPlantTime => new()
    {
        { PlantEventTypes.ItemRegistered, Harness.Json(new ItemRegistered("1", "pump", At(1))), At(1) },
        { PlantEventTypes.PlanAssigned, Harness.Json(new PlanAssigned("1", Route("A"), At(2))), At(2) },
        { PlantEventTypes.PlanChanged, Harness.Json(new PlanChanged("1", Route("A"), At(3), null)), At(3) },
        { PlantEventTypes.ItemDetected, Harness.Json(Seen("A", 4)), At(4) },
        { PlantEventTypes.AnnotationAdded, Harness.Json(new AnnotationAdded("1", "n", "a", "t", At(5))), At(5) },
        { PlantEventTypes.AnnotationEdited, Harness.Json(new AnnotationEdited("1", "n", "a", "t", At(6))), At(6) },
        { PlantEventTypes.AnnotationRemoved, Harness.Json(new AnnotationRemoved("1", "n", "a", At(7))), At(7) },
        { PlantEventTypes.ItemCompleted, Harness.Json(new ItemCompleted("1", "A", At(8))), At(8) },
    };

    [Theory]
    [MemberData(nameof(EventsWithPlantTime))]
    public void Every_event_is_keyed_by_its_stream_and_timed_by_the_plant_not_by_the_store(string eventType, byte[] data, DateTimeOffset plantTime)
    {
        var routed = new Harness(_projection).Route("item-1", eventType, data);

        routed.Keys.Should().Equal("item-1");
        routed.EventTime.Should().Be(plantTime);
        routed.EventTime.Should().NotBe(routed.Recorded.Created);
    }

    [Fact]
    public void Payloads_are_camel_case_json()
    {
        var routed = new Harness(_projection).Route("item-1", PlantEventTypes.ItemDetected,
            Encoding.UTF8.GetBytes("""{"itemId":"1","station":"A","previousStation":null,"detectedAt":"2025-03-01T08:04:00+00:00","messageId":"m"}"""));

        routed.Payload.Should().Be(new ItemDetected("1", "A", null, At(4), "m"));
    }

    [Fact]
    public void Status_and_current_station_are_declared_index_fields()
    {
        var lost = new PlantItem { Id = "item-1", Status = ItemStatus.Lost, CurrentStation = "B" };

        _projection.Indexes.Select(i => i.Field).Should().Equal("status", "currentStation");
        _projection.Fields.Single(f => f.Name == "status").Read(lost).Should().Be("Lost");
        _projection.Fields.Single(f => f.Name == "currentStation").Read(lost).Should().Be("B");
    }

    [Fact]
    public void A_state_survives_a_json_round_trip_and_is_stored_camel_case_with_enum_names()
    {
        var h = new Harness(_projection);
        var item = h.Initial<PlantItem>("item-1");
        item = h.Apply(item, "item-1", new ItemRegistered("1", "pump", At(0))).State;
        item = h.Apply(item, "item-1", new PlanAssigned("1", Route("A", "B", "C"), At(0))).State;
        item = h.Apply(item, "item-1", Seen("A", 1)).State;
        item = h.Apply(item, "item-1", Seen("C", 20, "A")).State;
        item = h.Apply(item, "item-1", new AnnotationAdded("1", "n1", "ana", "<b>hot</b>", At(2))).State;
        item = h.Timeout(item, "item-1", At(30)).State;

        var json = Encoding.UTF8.GetString(_projection.SerializeState(item));
        var back = h.RoundTrip(item);

        json.Should().Contain("\"status\":\"Lost\"").And.Contain("\"currentStation\":\"C\"").And.Contain("\"kind\":\"SkippedStation\"");
        back.Should().BeEquivalentTo(item);
        back.Deviations.Should().Equal(item.Deviations);
        back.Detections.Should().Equal(item.Detections);
    }
}
