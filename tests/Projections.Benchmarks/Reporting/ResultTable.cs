using System.Text;

namespace Projections.Benchmarks.Reporting;

/// <summary>Collects rows and notes of all scenarios and renders them as one markdown table.</summary>
public sealed class ResultTable
{
    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Measure}: {row.Value}{(row.Target.Length > 0 ? $"  [target {row.Target}: {MetText(row.Met)}]" : "")}");
    }

    /// <summary>A breakdown or explanation printed under the table (what limits a figure).</summary>
    public void Note(string scenario, string text)
    {
        _notes.Add($"- {scenario}: {text}");
        Console.WriteLine($"  note: {text}");
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Scenario | Measure | Median (min–max over rounds) | Target | Met |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in _rows)
            sb.AppendLine($"| {r.Scenario} | {r.Measure} | {r.Value} | {r.Target} | {MetText(r.Met)} |");
        if (_notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var n in _notes) sb.AppendLine(n);
        }
        return sb.ToString();
    }

    private static string MetText(bool? met) => met switch { true => "yes", false => "**no**", null => "" };
}
