using Projections.Core.Events;
using Projections.Core.Ports;

namespace PlantTracking.Tests.App;

/// <summary>
/// Reads, from the projection store a host writes, how far each projection's documents are ahead of its
/// checkpoint: documents written for positions after the stored checkpoint are the window a crash must
/// survive (design.md, invariants 3 and 4: the restart replays from the checkpoint and skips what is applied).
/// </summary>
internal sealed class CheckpointWindow(IProjectionStore store, params string[] projections)
{
    public async Task<StoreState> Read(CancellationToken cancellationToken)
    {
        var states = new List<ProjectionState>();
        foreach (var projection in projections)
        {
            var generation = (await store.ReadGenerations(projection, cancellationToken)).Active;
            var checkpoint = (await store.LoadCheckpoint(projection, generation, cancellationToken))?.Position;
            int documents = 0, ahead = 0;
            GlobalPosition? furthest = null;
            await foreach (var document in store.LoadAllDocuments(projection, generation, cancellationToken))
            {
                documents++;
                if (checkpoint is not { } stored || document.Position > stored) ahead++;
                if (furthest is not { } f || document.Position > f) furthest = document.Position;
            }
            states.Add(new ProjectionState(projection, checkpoint, documents, ahead, furthest));
        }
        return new StoreState(states);
    }
}

internal sealed record StoreState(IReadOnlyList<ProjectionState> Projections)
{
    public static readonly StoreState Empty = new([]);

    /// <summary>
    /// <paramref name="projection"/> is inside the window a crash must survive, opened since <paramref name="before"/>
    /// was read: a flush completed since (its checkpoint moved) and a later one has written documents ahead of that
    /// checkpoint (its furthest document moved past the furthest then). Documents left ahead by an earlier crash do
    /// not count, so a host killed before it wrote anything is not taken for one killed inside the window.
    /// </summary>
    public bool InWindowSince(StoreState before, string projection) =>
        Projections.FirstOrDefault(p => p.Projection == projection) is { IsAhead: true } now
        && now.Checkpoint is { } checkpoint && (Before(before, now)?.Checkpoint is not { } oldCheckpoint || checkpoint > oldCheckpoint)
        && (Before(before, now)?.Furthest is not { } oldFurthest || now.Furthest > oldFurthest);

    private static ProjectionState? Before(StoreState before, ProjectionState now) =>
        before.Projections.FirstOrDefault(b => b.Projection == now.Projection);

    public override string ToString() => string.Join("; ", Projections);
}

internal sealed record ProjectionState(string Projection, GlobalPosition? Checkpoint, int Documents, int DocumentsAhead, GlobalPosition? Furthest)
{
    public bool IsAhead => Furthest is { } furthest && (Checkpoint is not { } checkpoint || furthest > checkpoint);

    public override string ToString() =>
        $"{Projection}: {DocumentsAhead} of {Documents} documents ahead of checkpoint {Checkpoint?.ToString() ?? "(none)"}, furthest {Furthest?.ToString() ?? "(none)"}";
}
