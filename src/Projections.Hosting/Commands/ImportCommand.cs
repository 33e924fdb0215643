using Projections.Core.Events;
using Projections.Hosting.Progress;
using Projections.Hosting.Settings;
using Projections.Hosting.Transfer;
using Spectre.Console;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>import &lt;file.jsonl|-&gt;</c>: appends JSON-lines events to the configured event store in batches,
/// skipping events whose id the stream already holds. A malformed line is reported with its number; the
/// lines before it are appended, nothing after it (unless --skip-bad-lines). Progress: a bar on a
/// terminal, a line every interval otherwise. Exit 0; 2 on a bad line; 1 when lines were skipped or the
/// store refused the appends (one line naming why, e.g. the embedded store locked by another writer).
/// </summary>
internal sealed class ImportCommand() : ProjectionsCommand("import", "Append JSON-lines events ({\"stream\",\"type\",\"data\",\"metadata\"?,\"id\"?}) to the event store; idempotent on id.")
{
    private const int BatchSize = 500;

    public override CommandArgument Argument { get; } = new("file.jsonl|-", "The file to import, or - for standard input.");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var path = context.Argument ?? throw new HostUserException("import needs a file (or - for standard input): import events.jsonl");
        var skipBadLines = context.Builder.Configuration[HostOptionCatalog.SkipBadLines.ConfigKey] is { } skip && ValueParsers.Bool(HostOptionCatalog.SkipBadLines, skip);
        var settings = context.Settings;
        using var input = ImportInput.Open(path);
        using var stop = context.StopOnSignals();
        var (events, owner) = await context.OpenEventStoreAsync(stop.Token);
        await using var _ = owner;

        // The bar is drawn only when the results go to this process's terminal.
        var mode = ProgressModeResolver.Resolve(settings.Progress,
            outputRedirected: Console.IsOutputRedirected || !ReferenceEquals(context.Output, Console.Out), AnsiConsole.Profile.Capabilities.Interactive);
        var interval = settings.ProgressInterval ?? ProgressModeResolver.DefaultInterval(mode);
        var run = new ImportRun(context, input, new IdempotentAppender(events), skipBadLines);
        return await ImportProgress.Run(mode, interval, context.Output, AnsiConsole.Console, TimeProvider.System, progress => run.Execute(progress, stop.Token));
    }

    private sealed class ImportRun(CommandContext context, ImportInput input, IdempotentAppender appender, bool skipBadLines)
    {
        private readonly List<(string, EventData)> _batch = new(BatchSize);
        private long _lineNumber, _badLines, _batchStart;

        public async Task<int> Execute(ImportProgress progress, CancellationToken cancellationToken)
        {
            try
            {
                while (await input.Reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    _lineNumber++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    if (!JsonLineEvent.TryParse(line, out var stream, out var data, out var error))
                    {
                        await context.Error.WriteLineAsync($"error: {input.Name} line {_lineNumber}: {error}");
                        _badLines++;
                        if (skipBadLines) continue;
                        await Flush(progress, cancellationToken);
                        await Summary($"stopped at line {_lineNumber}, nothing after it was appended");
                        return ExitCodes.UsageError;
                    }
                    if (_batch.Count == 0) _batchStart = _lineNumber;
                    _batch.Add((stream, data!));
                    if (_batch.Count >= BatchSize) await Flush(progress, cancellationToken);
                }
                await Flush(progress, cancellationToken);
            }
            catch (EventStoreException e)
            {
                // A store that refuses appends (locked by another writer, unreachable) ends the import with
                // one line: what was appended stays, a repeated import skips it by id.
                await context.Error.WriteLineAsync($"error: import stopped at line {_batchStart}: {e.Message}");
                await Summary($"stopped at line {_batchStart}, where the event store refused the batch");
                return ExitCodes.Failed;
            }
            await Summary(stopped: null);
            return _badLines == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }

        private async Task Flush(ImportProgress progress, CancellationToken cancellationToken)
        {
            await appender.Append(_batch, cancellationToken);
            _batch.Clear();
            progress.Report(new ImportCounts(_lineNumber, appender.Appended, appender.AlreadyPresent, input.BytesRead, input.Length));
        }

        private Task Summary(string? stopped) =>
            context.Output.WriteLineAsync(
                $"Imported {ProgressFormat.Count(appender.Appended)} events, {ProgressFormat.Count(appender.AlreadyPresent)} already present, " +
                $"{ProgressFormat.Count(_badLines)} bad lines" + (stopped is null ? "." : $"; {stopped}."));
    }
}
