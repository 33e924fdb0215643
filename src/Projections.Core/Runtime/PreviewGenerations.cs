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
    /// Activates the preview once its checkpoint has reached the active generation's, then drops the old
    /// generation (which fences out its writer). <paramref name="afterActivate"/> runs between the two.
    /// Returns the generation now active.
    /// </summary>
    public static async Task<int> Switch(IProjectionStore store, string projection, Func<Task>? afterActivate, CancellationToken ct)
    {
        var generations = await store.ReadGenerations(projection, ct).ConfigureAwait(false);
        var preview = Require(generations, projection, "switch to");
        var active = await store.LoadCheckpoint(projection, generations.Active, ct).ConfigureAwait(false);
        var built = await store.LoadCheckpoint(projection, preview, ct).ConfigureAwait(false);
        if (active is { } a && (built is not { } b || b.Position < a.Position))
        {
            var behind = a.Position.Commit - (built?.Position.Commit ?? 0);
            throw new PreviewRefusedException(
                $"The preview of projection '{projection}' has not caught up yet: generation {preview} is {behind:N0} behind generation {generations.Active} " +
                $"(checkpoint {built?.Position.ToString() ?? "none"} against {a.Position}); switch once it caught up (status shows how far it is).");
        }
        await store.ActivateGeneration(projection, preview, ct).ConfigureAwait(false);
        if (afterActivate is not null) await afterActivate().ConfigureAwait(false);
        await store.DropGeneration(projection, generations.Active, ct).ConfigureAwait(false);
        return preview;
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
