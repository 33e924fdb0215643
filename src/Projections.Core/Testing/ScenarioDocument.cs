using System.Text;
using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Core.Testing;

/// <summary>
/// The document the engine would store for one aggregate: its state as JSON (the projection's serializer),
/// version (events and timeouts applied), the position of the last event applied, the pending timeout and
/// the index values.
/// </summary>
public sealed record ScenarioDocument(
    string Key,
    string Json,
    long Version,
    GlobalPosition Position,
    DateTimeOffset? TimeoutAt,
    IReadOnlyDictionary<string, string?> Indexes)
{
    internal IProjection Projection { get; init; } = null!;

    /// <summary>
    /// The state read back from <see cref="Json"/>, as the engine has it after a restart, an eviction or a
    /// retirement. Compare it with <see cref="ProjectionScenario.State{TState}"/> to check that the state survives its store.
    /// </summary>
    public TState Reloaded<TState>() where TState : class =>
        (TState)Projection.DeserializeState(Encoding.UTF8.GetBytes(Json));
}
