using System.Text;

namespace Projections.Host.Cli;

/// <summary>The text printed by --help: commands, then every option with its default and environment form.</summary>
public static class HelpText
{
    public static string Build()
    {
        var text = new StringBuilder();
        text.AppendLine("Projections host: runs the projection engine with the plant-tracking sample, a web dashboard and API.");
        text.AppendLine();
        text.AppendLine("Usage: Projections.Host [command] [options]");
        text.AppendLine();
        text.AppendLine("Commands:");
        text.AppendLine("  run                          (default) Run both projections and the web server; with the embedded");
        text.AppendLine("                               event store also simulate the plant (unless --no-simulate).");
        text.AppendLine("  run --rebuild <projection|all>");
        text.AppendLine("                               Also rebuild these projections into a new generation while serving.");
        text.AppendLine("  status                       Per projection: generation, checkpoint vs head, dead letters.");
        text.AppendLine("  verify [projection|all]      Recompute from the events and diff with the store; exit 1 on any mismatch.");
        text.AppendLine("                               Run it while no host writes the store.");
        text.AppendLine("  dead-letters [list|export] [projection|all]");
        text.AppendLine("                               Parked events: one line each, or JSON lines (export). Safe while a host runs.");
        text.AppendLine("  dead-letters show <projection> <position>");
        text.AppendLine("                               One parked event with its payload and reason.");
        text.AppendLine("  simulate                     Append the plant workload without projecting (stops at --duration,");
        text.AppendLine("                               --total-events or Ctrl+C).");
        text.AppendLine();
        text.AppendLine("Options (also from appsettings.json and environment variables; the command line wins):");
        foreach (var option in HostOptionCatalog.All)
        {
            var usage = option.IsFlag ? $"--{option.Name}" : $"--{option.Name} <{option.ValueHint}>";
            text.Append("  ").Append(usage.PadRight(35)).AppendLine(option.Description);
            if (!option.IsFlag)
                text.Append(' ', 37).AppendLine($"default: {option.Default}; env: {option.EnvironmentVariable}");
        }
        text.AppendLine("  --help                             Show this text.");
        text.AppendLine();
        text.AppendLine("Exit codes: 0 ok, 1 verify found mismatches or a projection failed, 2 bad options or unusable store.");
        return text.ToString();
    }
}
