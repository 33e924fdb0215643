using System.Text.Json;
using System.Text.Json.Serialization;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Stations;

namespace PlantTracking.Serialization;

/// <summary>
/// Source-generated JSON for the plant's events and the projections' states: web defaults (camelCase),
/// enums as their names (so stored documents say "status":"Lost", the same text the index holds).
/// A payload of the wrong shape — a required field missing (<c>{}</c>) or null where the record says it
/// cannot be — fails to deserialize, so it stops (or parks) the event instead of folding nulls into an item.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ItemRegistered))]
[JsonSerializable(typeof(PlanAssigned))]
[JsonSerializable(typeof(PlanChanged))]
[JsonSerializable(typeof(ItemDetected))]
[JsonSerializable(typeof(AnnotationAdded))]
[JsonSerializable(typeof(AnnotationEdited))]
[JsonSerializable(typeof(AnnotationRemoved))]
[JsonSerializable(typeof(ItemCompleted))]
[JsonSerializable(typeof(PlantItem))]
[JsonSerializable(typeof(StationLoad))]
public sealed partial class PlantJsonContext : JsonSerializerContext;
