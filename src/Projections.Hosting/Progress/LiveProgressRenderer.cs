using Projections.Core.Runtime;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Projections.Hosting.Progress.ProgressFormat;

namespace Projections.Hosting.Progress;

/// <summary>The table redrawn in place on an interactive terminal, with the latest log lines below it.</summary>
internal static class LiveProgressRenderer
{
    public static IRenderable Render(ProgressSnapshot snapshot, IReadOnlyList<string> recentLogLines)
    {
        // Sized for an 80-column terminal: light borders, one space between columns, compact figures.
        var table = new Table().Border(TableBorder.None).Title($"Projections  {Clock(snapshot.At)} UTC");
        table.AddColumns("Projection", "Status", "ev/s", "Checkpoint/head", "Lag", "Flush", "Dirty/live");
        foreach (var column in table.Columns) column.PadLeft(0).PadRight(2);
        foreach (var p in snapshot.Projections)
        {
            var s = p.Stats;
            table.AddRow(
                new Markup(Markup.Escape(p.Name) + (p.Rebuild is { } r ? $"\n[grey]rebuilding gen {r.Generation}: {Position(r.Processed)} / {Position(r.Target)}[/]" : "")),
                new Markup(StatusMarkup(p)),
                new Text(Rate(s.EventsPerSecond)),
                new Text($"{Position(s.Checkpoint)}/{Position(s.Head)}"),
                new Text($"{Count((long)Math.Min(s.LagPositions, long.MaxValue))}·{s.LagSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}s"),
                new Text(s.Flushes == 0 ? "-" : $"{Count(s.LastFlushDocuments)}·{s.LastFlushDuration.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)}ms"),
                new Text($"{Count(s.DirtyAggregates)}/{Count(s.LiveAggregates)}"));
        }

        var parts = new List<IRenderable>
        {
            table,
            new Markup("[grey]lag: positions·seconds behind the head; flush: documents·duration of the last one; dirty/live: aggregates changed since it / in memory[/]"),
        };
        foreach (var other in snapshot.Others)
            parts.Add(new Markup($"[bold]{Markup.Escape(Capitalized(other.Label))}:[/] " + Markup.Escape(other.Text)));
        foreach (var p in snapshot.Projections.Where(p => p.Status == ProjectionStatus.Stopped && p.Error is not null))
            parts.Add(new Markup($"[red]{Markup.Escape(p.Name)} stopped:[/] {Markup.Escape(p.Error!)}"));
        foreach (var line in recentLogLines)
            parts.Add(new Text(line, new Style(Color.Grey)));
        parts.Add(new Markup("[grey]Ctrl+C stops (final flush and checkpoint).[/]"));
        return new Rows(parts);
    }

    private static string Capitalized(string label) => label.Length == 0 ? label : char.ToUpperInvariant(label[0]) + label[1..];

    private static string StatusMarkup(ProjectionProgress p) => p.Status switch
    {
        ProjectionStatus.Live => "[green]Live[/]",
        ProjectionStatus.CatchingUp => "[yellow]CatchingUp[/]",
        ProjectionStatus.Stopped when p.Error is not null => "[red]Failed[/]",
        _ => Markup.Escape(p.Status.ToString()),
    };
}
