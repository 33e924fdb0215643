using System.Text.Json;
using PlantTracking.Events;
using PlantTracking.Serialization;

namespace PlantTracking.Simulation;

internal interface IEventSink
{
    /// <summary>Sends an event now, or at plant time <paramref name="deliverAt"/> (a late or out-of-order delivery).</summary>
    void Emit(SimulatedItem item, string eventType, byte[] data, DateTimeOffset? deliverAt = null);
}

internal enum MoveResult { Continue, Completed, Abandoned }

/// <summary>What happens to one item at one move: registration, a detection and its side events, or completion.</summary>
internal sealed class ItemMoves(PlantSimulatorOptions options, Random random, IEventSink sink)
{
    private readonly RouteGenerator _routes = new(options, random);

    /// <summary>The counts of the current run (replaced at the start of every run).</summary>
    public SimulationCounters Counters { get; set; } = new();

    public MoveResult Move(SimulatedItem item, DateTimeOffset now)
    {
        if (!item.Registered)
        {
            Register(item, now);
            return MoveResult.Continue;
        }
        if (item.NextStep >= item.Plan.Count)
        {
            var station = item.LastStation ?? item.Plan[^1].Station;
            sink.Emit(item, PlantEventTypes.ItemCompleted, Json(new ItemCompleted(item.ItemId, station, now), PlantJsonContext.Default.ItemCompleted));
            Counters.ItemsCompleted++;
            return MoveResult.Completed;
        }

        var nextMove = Detect(item, now);
        Annotate(item, now);
        if (Chance(options.PlanChangeProbability)) ChangePlan(item, now);
        if (Chance(options.LostProbability))
        {
            Counters.ItemsLost++;
            if (!Chance(options.ReappearProbability)) return MoveResult.Abandoned;
            nextMove += Minutes(15, 45);
        }
        item.NextMoveAt = nextMove;
        return MoveResult.Continue;
    }

    private void Register(SimulatedItem item, DateTimeOffset now)
    {
        var product = SimulationText.ProductTypes[random.Next(SimulationText.ProductTypes.Length)];
        item.Plan = _routes.NewRoute();
        sink.Emit(item, PlantEventTypes.ItemRegistered, Json(new ItemRegistered(item.ItemId, product, now), PlantJsonContext.Default.ItemRegistered));
        sink.Emit(item, PlantEventTypes.PlanAssigned, Json(new PlanAssigned(item.ItemId, item.Plan.ToArray(), now), PlantJsonContext.Default.PlanAssigned));
        item.Registered = true;
        item.NextMoveAt = now + Minutes(0.5, 2);
    }

    /// <summary>Emits the detection (maybe late, out of order or twice) and returns when the item moves next.</summary>
    private DateTimeOffset Detect(SimulatedItem item, DateTimeOffset now)
    {
        var planned = !Chance(options.WrongStationProbability);
        if (planned && item.NextStep < item.Plan.Count - 1 && Chance(options.SkipStationProbability)) item.NextStep++;
        var station = planned ? item.Plan[item.NextStep].Station : _routes.StationOutside(item.Plan);

        var dwell = planned
            ? item.Plan[item.NextStep].ExpectedDwell * (Chance(options.OverDwellProbability) ? Between(1.3, 2.5) : Between(0.5, 0.95))
            : options.MinDwell * Between(0.3, 0.6);
        var nextMove = now + TimeSpan.FromSeconds(Math.Max(1, Math.Round(dwell.TotalSeconds)));

        var data = Json(new ItemDetected(item.ItemId, station, item.LastStation, now, NewMessageId()), PlantJsonContext.Default.ItemDetected);
        var delivery = random.NextDouble();
        DateTimeOffset? deliverAt = null;
        if (delivery < options.LateProbability) { deliverAt = now + Minutes(2, 20); Counters.LateDeliveries++; }
        else if (delivery < options.LateProbability + options.OutOfOrderProbability) { deliverAt = nextMove.AddSeconds(1); Counters.OutOfOrderDeliveries++; }
        sink.Emit(item, PlantEventTypes.ItemDetected, data, deliverAt);
        if (Chance(options.DuplicateProbability))
        {
            sink.Emit(item, PlantEventTypes.ItemDetected, data, now + Minutes(0, 3));
            Counters.Duplicates++;
        }

        item.LastStation = station;
        if (planned) item.NextStep++;
        return nextMove;
    }

    private void Annotate(SimulatedItem item, DateTimeOffset now)
    {
        var at = now.AddSeconds(random.Next(1, 60));
        if (Chance(options.AnnotationProbability))
        {
            var id = $"{item.ItemId}-n{++item.AnnotationsCreated}";
            item.Annotations.Add(id);
            sink.Emit(item, PlantEventTypes.AnnotationAdded, Json(new AnnotationAdded(item.ItemId, id, Author(), Text(), at), PlantJsonContext.Default.AnnotationAdded));
            Counters.Annotations++;
        }
        else if (item.Annotations.Count > 0 && Chance(options.AnnotationProbability / 2))
        {
            var index = random.Next(item.Annotations.Count);
            var id = item.Annotations[index];
            if (random.Next(2) == 0)
            {
                sink.Emit(item, PlantEventTypes.AnnotationEdited, Json(new AnnotationEdited(item.ItemId, id, Author(), Text() + " (edited)", at), PlantJsonContext.Default.AnnotationEdited));
            }
            else
            {
                item.Annotations.RemoveAt(index);
                sink.Emit(item, PlantEventTypes.AnnotationRemoved, Json(new AnnotationRemoved(item.ItemId, id, Author(), at), PlantJsonContext.Default.AnnotationRemoved));
            }
            Counters.Annotations++;
        }
    }

    private void ChangePlan(SimulatedItem item, DateTimeOffset now)
    {
        // The new remainder starts after the last planned station reached, so the route keeps moving forward.
        var last = item.NextStep > 0 ? _routes.IndexOf(item.Plan[item.NextStep - 1].Station) : -1;
        item.Plan = [.. item.Plan.Take(item.NextStep), .. _routes.Remainder(last)];
        var reason = SimulationText.PlanChangeReasons[random.Next(SimulationText.PlanChangeReasons.Length)];
        sink.Emit(item, PlantEventTypes.PlanChanged, Json(new PlanChanged(item.ItemId, item.Plan.ToArray(), now.AddSeconds(1), reason), PlantJsonContext.Default.PlanChanged));
        Counters.PlanChanges++;
    }

    private string Author() => SimulationText.Authors[random.Next(SimulationText.Authors.Length)];

    private string Text() => Chance(options.ScriptAnnotationProbability)
        ? SimulationText.ScriptAnnotation
        : SimulationText.Remarks[random.Next(SimulationText.Remarks.Length)];

    private string NewMessageId() => "msg-" + NewGuid(random).ToString("N");

    internal static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private bool Chance(double probability) => probability > 0 && random.NextDouble() < probability;
    private double Between(double low, double high) => low + random.NextDouble() * (high - low);
    private TimeSpan Minutes(double low, double high) => TimeSpan.FromSeconds(Math.Round(Between(low, high) * 60));

    private static byte[] Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
}
