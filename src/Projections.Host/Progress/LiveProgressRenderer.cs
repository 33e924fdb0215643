using Projections.Core.Runtime;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Projections.Host.Progress.ProgressFormat;

namespace Projections.Host.Progress;

/// <summary>The table redrawn in place on an interactive terminal, with the latest log lines below it.</summary>
public static class LiveProgressRenderer
{
    public static IRenderable Render(ProgressSnapshot snapshot, IReadOnlyList<string> recentLogLines)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"Projections  {Clock(snapshot.At)} UTC");
        table.AddColumns("Projection", "Status", "Events/s", "Checkpoint / head", "Lag (pos, time)", "Last flush", "Dirty", "Live");
        foreach (var p in snapshot.Projections)
        {
            var s = p.Stats;
            table.AddRow(
                new Markup(Markup.Escape(p.Name) + (p.Rebuild is { } r ? $"\n[grey]rebuilding gen {r.Generation}: {Position(r.Processed)} / {Position(r.Target)}[/]" : "")),
                new Markup(StatusMarkup(p)),
                new Text(Rate(s.EventsPerSecond)),
                new Text($"{Position(s.Checkpoint)} / {Position(s.Head)}"),
                new Text(Lag(s.LagPositions, s.LagSeconds)),
                new Text(Flush(s.LastFlushDocuments, s.LastFlushDuration, s.Flushes)),
                new Text(Count(s.DirtyAggregates)),
                new Text(Count(s.LiveAggregates)));
        }

        var parts = new List<IRenderable> { table };
        if (snapshot.Simulator is { } sim)
            parts.Add(new Markup("[bold]Simulator:[/] " + Markup.Escape(PlainProgressRenderer.Simulator(sim))));
        foreach (var p in snapshot.Projections.Where(p => p.Status == ProjectionStatus.Stopped && p.Error is not null))
            parts.Add(new Markup($"[red]{Markup.Escape(p.Name)} stopped:[/] {Markup.Escape(p.Error!)}"));
        foreach (var line in recentLogLines)
            parts.Add(new Text(line, new Style(Color.Grey)));
        parts.Add(new Markup("[grey]Ctrl+C stops (final flush and checkpoint).[/]"));
        return new Rows(parts);
    }

    private static string StatusMarkup(ProjectionProgress p) => p.Status switch
    {
        ProjectionStatus.Live => "[green]Live[/]",
        ProjectionStatus.CatchingUp => "[yellow]CatchingUp[/]",
        ProjectionStatus.Stopped when p.Error is not null => "[red]Failed[/]",
        _ => Markup.Escape(p.Status.ToString()),
    };
}
