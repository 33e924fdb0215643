using Projections.Core.Pipeline;
using Projections.Core.Ports;

namespace Projections.Core.Runtime;

/// <summary>
/// Switching to and discarding a rebuild preview, on the store alone (design.md "Preview generations"): the
/// <c>switch</c> and <c>discard</c> commands run it from another process while hosts run, and hosts follow
/// the change in the store as they follow any switch. A host does the same through its runtime, so it
/// follows at once.
/// </summary>
public static class PreviewGenerations
{
    /// <summary>The preview generation, or a <see cref="PreviewRefusedException"/> when there is none.</summary>
    public static int Require(ProjectionGenerations generations, string projection, string verb) =>
        generations is { Building: { } preview, Preview: true } ? preview
        : throw new PreviewRefusedException(generations.Building is { } building
            ? $"Projection '{projection}' has no preview to {verb}: generation {building} is a rebuild that switches by itself."
            : $"Projection '{projection}' has no preview to {verb}; start one with run --rebuild {projection} --preview.");

    /// <summary>
    /// Activates the preview once every shard of it has reached the checkpoint of every active shard it shares keys with
    /// (<see cref="Behind"/>), then drops the old generation (which fences out its writers). <paramref name="afterActivate"/>
    /// runs between the two. Returns the generation now active.
    /// </summary>
    public static async Task<int> Switch(IProjectionStore store, string projection, Func<Task>? afterActivate, CancellationToken ct)
    {
        var generations = await store.ReadGenerations(projection, ct).ConfigureAwait(false);
        var preview = Require(generations, projection, "switch to");
        var active = await ShardCheckpoints.Load(store, projection, generations.Active, generations.ActiveShards, ct).ConfigureAwait(false);
        var built = await ShardCheckpoints.Load(store, projection, preview, generations.BuildingShards, ct).ConfigureAwait(false);
        if (Behind(active, built) is var (activeShard, previewShard, a, b))
        {
            var behind = a.Position.Commit - (b?.Position.Commit ?? 0);
            string Which(int generation, int shard, int shards) => shards > 1 ? $"generation {generation} shard {shard}" : $"generation {generation}";
            throw new PreviewRefusedException(
                $"The preview of projection '{projection}' has not caught up yet: {Which(preview, previewShard, built.Count)} is {behind:N0} behind " +
                $"{Which(generations.Active, activeShard, active.Count)} (checkpoint {b?.Position.ToString() ?? "none"} against {a.Position}); " +
                "switch once it caught up (status shows how far it is).");
        }
        await store.ActivateGeneration(projection, preview, ct).ConfigureAwait(false);
        if (afterActivate is not null) await afterActivate().ConfigureAwait(false);
        await store.DropGeneration(projection, generations.Active, ct).ConfigureAwait(false);
        return preview;
    }

    /// <summary>
    /// The first pair of an active shard and a preview shard that hold some key in common where the preview's checkpoint is
    /// behind the active one's, or null when none is. A key is served up to its shard's checkpoint, so a switch that waits
    /// for this never moves a reader of any key back in time (design.md "Preview generations"). With equal shard counts
    /// this is shard by shard; with different counts a preview shard waits for every active shard it shares keys with.
    /// </summary>
    internal static (int ActiveShard, int PreviewShard, ProjectionCheckpoint Active, ProjectionCheckpoint? Preview)? Behind(
        IReadOnlyList<ProjectionCheckpoint?> active, IReadOnlyList<ProjectionCheckpoint?> preview)
    {
        for (var p = 0; p < preview.Count; p++)
            for (var a = 0; a < active.Count; a++)
                if (active[a] is { } reached && KeyHash.ShardsOverlap(a, active.Count, p, preview.Count)
                    && (preview[p] is not { } built || built.Position < reached.Position))
                    return (a, p, reached, preview[p]);
        return null;
    }

    /// <summary>Drops the preview generation (its documents, checkpoint, dead letters; its writer is fenced out). Returns its number.</summary>
    public static async Task<int> Discard(IProjectionStore store, string projection, CancellationToken ct)
    {
        var generations = await store.ReadGenerations(projection, ct).ConfigureAwait(false);
        var preview = Require(generations, projection, "discard");
        await store.DropGeneration(projection, preview, ct).ConfigureAwait(false);
        return preview;
    }
}

/// <summary>A switch or discard that cannot be done now: no preview, or a preview not caught up yet. The message is one line for the user.</summary>
public sealed class PreviewRefusedException(string message) : InvalidOperationException(message);
