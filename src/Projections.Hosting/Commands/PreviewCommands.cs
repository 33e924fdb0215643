using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Hosting.Composition;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>switch &lt;projection&gt;</c> and <c>discard &lt;projection&gt;</c>: act on a rebuild preview through the store,
/// so they work while hosts run (every host follows the change at its next lease check) and while none does.
/// </summary>
internal sealed class PreviewCommands(string name, string description, Func<IProjectionStore, string, CancellationToken, Task<string>> act)
    : ProjectionsCommand(name, description)
{
    public static PreviewCommands Switch() => new("switch", "Make the rebuild preview of a projection active (refused until it caught up) and drop the old generation.",
        async (store, projection, ct) =>
        {
            var active = (await store.ReadGenerations(projection, ct)).Active;
            var now = await PreviewGenerations.Switch(store, projection, afterActivate: null, ct);
            return $"{projection}: generation {now} is active; generation {active} was dropped. Running hosts follow at their next lease check.";
        });

    public static PreviewCommands Discard() => new("discard", "Drop the rebuild preview of a projection; the active generation keeps serving.",
        async (store, projection, ct) =>
        {
            var dropped = await PreviewGenerations.Discard(store, projection, ct);
            return $"{projection}: the preview (generation {dropped}) was dropped; the active generation keeps serving.";
        });

    public override CommandArgument Argument { get; } = new("projection", "The projection whose preview to act on.");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var projection = RequireProjection(context, Name);
        await using var adapters = await context.OpenStoresAsync();
        await adapters.Store.EnsureProjection(projection.Name, projection.Indexes, context.Stop);
        string done;
        try
        {
            done = await act(adapters.Store, projection.Name, context.Stop);
        }
        catch (PreviewRefusedException e) { throw new HostUserException(e.Message, e); }
        await context.Output.WriteLineAsync(done);
        return ExitCodes.Ok;
    }

    /// <summary>The one projection a preview command names (not "all").</summary>
    public static IProjection RequireProjection(CommandContext context, string command)
    {
        var names = context.Projections.Select(p => p.Name).ToList();
        if (context.Argument is not { } given)
            throw new HostUserException($"{command} needs a projection: one of {string.Join(", ", names)}.");
        return context.Projections.FirstOrDefault(p => p.Name == given)
            ?? throw new HostUserException($"Unknown projection '{given}' for {command}; expected one of: {string.Join(", ", names)}.");
    }
}
