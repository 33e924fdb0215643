namespace PlantTracking.Simulation;

/// <summary>Running counts of one simulator run.</summary>
internal sealed class SimulationCounters
{
    public long ItemsStarted, ItemsCompleted, ItemsLost, Duplicates, LateDeliveries, OutOfOrderDeliveries, PlanChanges, Annotations;
}
