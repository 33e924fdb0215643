using Projections.Core.Replay;
using Projections.Hosting.Composition;
using Projections.Hosting.Progress;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>verify</c>: recomputes each projection from the events up to its checkpoint with the engine's
/// reference fold and compares the result with the active generation in the store. Exit 1 on any
/// mismatch. Run it while no host writes the projection (documents may run ahead of a live checkpoint).
/// </summary>
internal sealed class VerifyCommand() : ProjectionsCommand("verify", "Recompute from the events and compare with the store; exit 1 on any mismatch. Run it while no host writes the store.")
{
    private const int MismatchesShownPerProjection = 50;

    public override CommandArgument Argument { get; } = new("projection|all", "The projection to verify (default: all).");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var projections = context.Projections;
        var selected = ProjectionNames.Resolve(projections, context.Argument ?? "all", "verify");
        using var stop = context.StopOnSignals();
        await using var adapters = await context.OpenStoresAsync(cancellationToken: stop.Token);
        var head = await adapters.Source.ReadHeadPosition(stop.Token);

        var total = 0;
        foreach (var projection in projections.Where(p => selected.Contains(p.Name)))
        {
            var result = await ProjectionVerifier.Verify(projection, adapters.Source, adapters.Store, generation: null, stop.Token);
            total += result.Mismatches.Count;
            await context.Output.WriteLineAsync(
                $"{result.Projection} (generation {result.Generation}): {StatusCommand.Progress(result.Checkpoint, head)}; " +
                $"{ProgressFormat.Count(result.Expected)} aggregates from the events, {ProgressFormat.Count(result.Stored)} stored, " +
                $"{ProgressFormat.Count(result.Mismatches.Count)} mismatches");
            foreach (var mismatch in result.Mismatches.Take(MismatchesShownPerProjection))
                await context.Output.WriteLineAsync($"  {mismatch}");
            if (result.Mismatches.Count > MismatchesShownPerProjection)
                await context.Output.WriteLineAsync($"  ... and {result.Mismatches.Count - MismatchesShownPerProjection} more");
        }

        await context.Output.WriteLineAsync(total == 0 ? "verify: 0 mismatches" : $"verify: {total} mismatches");
        return total == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
