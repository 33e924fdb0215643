using Projections.Core.Events;
using Projections.Hosting.Progress;
using Projections.Hosting.Settings;
using Projections.Hosting.Transfer;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>import &lt;file.jsonl|-&gt;</c>: appends JSON-lines events to the configured event store in batches,
/// skipping events whose id the stream already holds. A malformed line is reported with its number; the
/// lines before it are appended, nothing after it (unless --skip-bad-lines). Exit 0, or 2 on a bad line.
/// </summary>
internal sealed class ImportCommand() : ProjectionsCommand("import", "Append JSON-lines events ({\"stream\",\"type\",\"data\",\"metadata\"?,\"id\"?}) to the event store; idempotent on id.")
{
    private const int BatchSize = 500;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public override CommandArgument Argument { get; } = new("file.jsonl|-", "The file to import, or - for standard input.");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var path = context.Argument ?? throw new HostUserException("import needs a file (or - for standard input): import events.jsonl");
        var skipBadLines = context.Builder.Configuration[HostOptionCatalog.SkipBadLines.ConfigKey] is { } skip && ValueParsers.Bool(HostOptionCatalog.SkipBadLines, skip);
        using var reader = Open(path);
        using var stop = context.StopOnSignals();
        var (events, owner) = await context.OpenEventStoreAsync(stop.Token);
        await using var _ = owner;

        var appender = new IdempotentAppender(events);
        var batch = new List<(string, EventData)>(BatchSize);
        long lineNumber = 0, badLines = 0;
        var lastReport = DateTime.UtcNow;
        while (await reader.ReadLineAsync(stop.Token) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!JsonLineEvent.TryParse(line, out var stream, out var data, out var error))
            {
                await context.Error.WriteLineAsync($"error: {Describe(path)} line {lineNumber}: {error}");
                badLines++;
                if (skipBadLines) continue;
                await appender.Append(batch, stop.Token);
                await Summary(context, appender, badLines, stopped: lineNumber);
                return ExitCodes.UsageError;
            }
            batch.Add((stream, data!));
            if (batch.Count < BatchSize) continue;
            await appender.Append(batch, stop.Token);
            batch.Clear();
            if (DateTime.UtcNow - lastReport < ProgressEvery) continue;
            lastReport = DateTime.UtcNow;
            await context.Output.WriteLineAsync($"import: line {ProgressFormat.Count(lineNumber)}, {ProgressFormat.Count(appender.Appended)} appended, {ProgressFormat.Count(appender.AlreadyPresent)} already present");
        }
        await appender.Append(batch, stop.Token);
        await Summary(context, appender, badLines, stopped: null);
        return badLines == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static Task Summary(CommandContext context, IdempotentAppender appender, long badLines, long? stopped) =>
        context.Output.WriteLineAsync(
            $"Imported {ProgressFormat.Count(appender.Appended)} events, {ProgressFormat.Count(appender.AlreadyPresent)} already present, " +
            $"{ProgressFormat.Count(badLines)} bad lines" + (stopped is { } n ? $"; stopped at line {n}, nothing after it was appended." : "."));

    private static string Describe(string path) => path == "-" ? "standard input" : path;

    private static TextReader Open(string path)
    {
        if (path == "-") return Console.In;
        try
        {
            return new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HostUserException($"Cannot read '{path}' for import: {e.Message}", e);
        }
    }
}
