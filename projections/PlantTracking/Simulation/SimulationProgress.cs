namespace PlantTracking.Simulation;

/// <summary>
/// A snapshot of a simulator run. Counts are for the current <see cref="PlantSimulator.RunAsync"/>
/// call unless named Total; <see cref="EventsPerSecond"/> is this run's average append rate.
/// </summary>
/// <param name="EventsHeldBack">Events produced but held back (late or out-of-order deliveries not yet due); a later run appends them.</param>
public sealed record SimulationProgress(
    long EventsAppended,
    long TotalEventsAppended,
    TimeSpan Elapsed,
    double EventsPerSecond,
    DateTimeOffset PlantTime,
    long ItemsStarted,
    long ItemsCompleted,
    long ItemsLost,
    long Duplicates,
    long LateDeliveries,
    long OutOfOrderDeliveries,
    long PlanChanges,
    long Annotations,
    int EventsHeldBack,
    bool Finished);
