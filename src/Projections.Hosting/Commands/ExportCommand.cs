using Projections.Core.Ports;
using Projections.Hosting.Transfer;

namespace Projections.Hosting.Commands;

/// <summary><c>export &lt;file.jsonl|-&gt;</c>: writes every event of the configured event source as JSON lines (the format import reads).</summary>
internal sealed class ExportCommand() : ProjectionsCommand("export", "Write every event of the event store as JSON lines (the format import reads).")
{
    public override CommandArgument Argument { get; } = new("file.jsonl|-", "The file to write, or - (the default) for standard output.");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var path = context.Argument ?? "-";
        using var stop = context.StopOnSignals();
        await using var adapters = await context.OpenStoresAsync(cancellationToken: stop.Token);
        var writer = path == "-" ? context.Output : Create(path);
        long count = 0;
        try
        {
            await foreach (var e in adapters.Source.ReadAllForward(null, EventFilter.All, stop.Token))
            {
                await writer.WriteLineAsync(JsonLineEvent.Format(e));
                count++;
            }
        }
        finally
        {
            if (path != "-") await writer.DisposeAsync();
        }
        if (path != "-") await context.Output.WriteLineAsync($"Exported {count} events to {path}.");
        return ExitCodes.Ok;
    }

    private static StreamWriter Create(string path)
    {
        try
        {
            return new StreamWriter(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HostUserException($"Cannot write '{path}' for export: {e.Message}", e);
        }
    }
}
