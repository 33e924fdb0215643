namespace Projections.Core.Projections;

/// <summary>What happens when a handler throws or a payload cannot be deserialized.</summary>
public enum PoisonEventPolicy
{
    /// <summary>Stop the projection with an error naming the projection, stream, event number, position, type and exception. Nothing after it is applied or checkpointed.</summary>
    Stop,
    /// <summary>Write the event and the reason to the store's dead letters (in the same flush as the checkpoint that passes it) and go on.</summary>
    Park,
}
