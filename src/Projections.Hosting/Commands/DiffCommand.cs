using Projections.Core.Runtime;
using Projections.Hosting.Composition;
using Projections.Hosting.Preview;
using Projections.Hosting.Progress;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>diff &lt;projection&gt;</c>: the active generation against the rebuild preview: counts of added, removed
/// and changed documents, then each differing document with its changed fields (old → new). Safe while hosts run.
/// </summary>
internal sealed class DiffCommand() : ProjectionsCommand("diff", "Compare a rebuild preview with the active generation: added, removed and changed documents with their fields.")
{
    private const int DocumentsShown = 50;

    public override CommandArgument Argument { get; } = new("projection", "The projection whose preview to compare.");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var projection = PreviewCommands.RequireProjection(context, Name);
        var name = projection.Name;
        await using var adapters = await context.OpenStoresAsync();
        await adapters.Store.EnsureProjection(name, projection.Indexes, context.Stop);
        DiffReport report;
        try
        {
            report = await GenerationDiff.Compute(adapters.Store, name, new DiffQuery(null, null, 0, DocumentsShown), context.Stop);
        }
        catch (PreviewRefusedException e) { throw new HostUserException(e.Message, e); }

        await context.Output.WriteLineAsync(Summary(report));
        foreach (var document in report.Documents)
            await context.Output.WriteLineAsync(DiffLines.Document(document));
        if (report.Matching > report.Documents.Count)
            await context.Output.WriteLineAsync($"  ... and {ProgressFormat.Count(report.Matching - report.Documents.Count)} more (GET /api/projections/{name}/diff pages and filters them)");
        return ExitCodes.Ok;
    }

    public static string Summary(DiffReport r) =>
        $"{r.Projection}: generation {r.ActiveGeneration} (active, checkpoint {r.ActiveCheckpoint ?? "none"}) -> " +
        $"generation {r.PreviewGeneration} (preview, checkpoint {r.PreviewCheckpoint ?? "none"}): " +
        $"{ProgressFormat.Count(r.Added)} added, {ProgressFormat.Count(r.Removed)} removed, {ProgressFormat.Count(r.Changed)} changed, " +
        $"{ProgressFormat.Count(r.Unchanged)} unchanged, {ProgressFormat.Count(r.Pending)} pending (touched after the lower checkpoint)";
}
