using System.Text.Json;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Core.Projections;
using Projections.Hosting.Progress;
using Projections.Hosting.Settings;
using Projections.Hosting.Transfer;

namespace Projections.Hosting.Commands;

/// <summary>
/// <c>dead-letters &lt;projection&gt;</c>: the parked events of a generation (the newest unless
/// <c>--generation</c>), a page at a time; <c>--show &lt;position&gt;</c> prints one in full;
/// <c>--export &lt;file.jsonl|-&gt;</c> writes them as JSON lines import reads. Reads the store only
/// (<see cref="IProjectionStore.ReadDeadLetters"/>), so it works on every store and while a host runs.
/// </summary>
internal sealed class DeadLettersCommand() : ProjectionsCommand("dead-letters", "List a projection's parked events; --show <position> prints one, --export <file.jsonl> writes them for import.")
{
    private const int ScanPage = 500;
    private const int ReasonShown = 160;

    public override CommandArgument Argument { get; } = new("projection", "The projection whose dead letters to read.");

    public override async Task<int> ExecuteAsync(CommandContext context)
    {
        var known = string.Join(", ", context.Projections.Select(p => p.Name));
        var name = context.Argument ?? throw new HostUserException($"dead-letters needs a projection, one of: {known}.");
        var projection = context.Projections.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))
            ?? throw new HostUserException($"Unknown projection '{name}' for dead-letters; expected one of: {known}.");
        var configuration = context.Builder.Configuration;
        var show = configuration[HostOptionCatalog.DeadLetterShow.ConfigKey];
        var export = configuration[HostOptionCatalog.DeadLetterExport.ConfigKey];
        if (show is not null && export is not null)
            throw new HostUserException("dead-letters takes --show or --export, not both.");
        GlobalPosition? position = null;
        if (show is not null)
            position = PositionText.TryParse(show.Trim(), out var parsed) ? parsed
                : throw ValueParsers.Invalid(HostOptionCatalog.DeadLetterShow, show, "expected a position as status and the list print it, such as 18311 or 18311/18305");

        using var stop = context.StopOnSignals();
        await using var adapters = await context.OpenStoresAsync(cancellationToken: stop.Token);
        var generation = await Generation(adapters.Store, projection, configuration[HostOptionCatalog.DeadLetterGeneration.ConfigKey], stop.Token);

        if (position is { } p) return await Show(context, adapters.Store, projection.Name, generation, p, stop.Token);
        if (export is not null) return await Export(context, adapters.Store, projection.Name, generation, export, stop.Token);
        return await List(context, adapters.Store, projection.Name, generation, stop.Token);
    }

    private static async Task<(int Number, string Role)> Generation(IProjectionStore store, IProjection projection, string? requested, CancellationToken ct)
    {
        var generations = await store.EnsureProjection(projection.Name, projection.Indexes, ct);
        if (requested is null)
            return generations.Building is { } building ? (building, "being built") : (generations.Active, "active");
        var number = ValueParsers.Int(HostOptionCatalog.DeadLetterGeneration, requested, 1, int.MaxValue);
        if (number == generations.Active) return (number, "active");
        if (number == generations.Building) return (number, "being built");
        var known = $"generation {generations.Active} (active)" + (generations.Building is { } b ? $" and {b} (being built)" : "");
        throw new HostUserException($"{projection.Name} has no generation {number}; it has {known} (earlier ones and their dead letters were dropped at the switch).");
    }

    private static async Task<int> List(CommandContext context, IProjectionStore store, string projection, (int Number, string Role) generation, CancellationToken ct)
    {
        var configuration = context.Builder.Configuration;
        var page = configuration[HostOptionCatalog.DeadLetterPage.ConfigKey] is { } pageText ? ValueParsers.Int(HostOptionCatalog.DeadLetterPage, pageText, 1, int.MaxValue) : 1;
        var size = configuration[HostOptionCatalog.DeadLetterPageSize.ConfigKey] is { } sizeText ? ValueParsers.Int(HostOptionCatalog.DeadLetterPageSize, sizeText, 1, 10_000) : 50;
        var total = await store.CountDeadLetters(projection, generation.Number, ct);
        var skip = (long)(page - 1) * size;
        var letters = skip >= total ? [] : await store.ReadDeadLetters(projection, generation.Number, (int)skip, size, ct);

        var heading = $"{projection} generation {generation.Number} ({generation.Role}): {ProgressFormat.Count(total)} dead letters";
        if (letters.Count > 0) heading += $", {ProgressFormat.Count(skip + 1)}-{ProgressFormat.Count(skip + letters.Count)} shown (page {page})";
        else if (total > 0) heading += $"; page {page} is past the last ({(total + size - 1) / size})";
        await context.Output.WriteLineAsync(heading);
        foreach (var letter in letters)
            await context.Output.WriteLineAsync($"  {letter.Position}  {letter.StreamId} #{letter.StreamRevision}  {letter.EventType}  parked {letter.ParkedAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}  {OneLine(letter.Reason)}");
        if (skip + letters.Count < total)
            await context.Output.WriteLineAsync($"next page: --page {page + 1}; one in full: --show <position>");
        return ExitCodes.Ok;
    }

    private static async Task<int> Show(CommandContext context, IProjectionStore store, string projection, (int Number, string Role) generation, GlobalPosition position, CancellationToken ct)
    {
        var letter = await Find(store, projection, generation.Number, position, ct)
            ?? throw new HostUserException($"{projection} generation {generation.Number} has no dead letter at position {position}; dead-letters {projection} lists them.");
        var output = context.Output;
        await output.WriteLineAsync($"{projection} generation {generation.Number} ({generation.Role}), dead letter at position {letter.Position}");
        await output.WriteLineAsync($"stream:    {letter.StreamId} (event {letter.StreamRevision})");
        await output.WriteLineAsync($"type:      {letter.EventType}");
        await output.WriteLineAsync($"event id:  {letter.EventId}");
        await output.WriteLineAsync($"parked at: {letter.ParkedAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.fffZ}");
        await output.WriteLineAsync($"reason:    {SecretRedactor.Redact(letter.Reason)}");
        await output.WriteLineAsync($"metadata:  {(letter.Metadata.IsEmpty ? "(none)" : Payload(letter.Metadata))}");
        await output.WriteLineAsync($"payload ({letter.Data.Length} bytes):");
        await output.WriteLineAsync(Payload(letter.Data));
        return ExitCodes.Ok;
    }

    private static async Task<int> Export(CommandContext context, IProjectionStore store, string projection, (int Number, string Role) generation, string path, CancellationToken ct)
    {
        var writer = path == "-" ? context.Output : Create(path);
        long exported = 0, timers = 0;
        try
        {
            await foreach (var letter in All(store, projection, generation.Number, ct))
            {
                if (letter.EventType == OperatorPark.TimeoutEventType)
                {
                    timers++;
                    continue;
                }
                await writer.WriteLineAsync(DeadLetterLine.Format(letter));
                exported++;
            }
        }
        finally
        {
            if (path != "-") await writer.DisposeAsync();
        }
        // On standard output the lines are the result; the summary goes where it cannot end up in the file.
        var summary = path == "-" ? context.Error : context.Output;
        var line = $"Exported {ProgressFormat.Count(exported)} dead letters of {projection} generation {generation.Number} to {(path == "-" ? "standard output" : path)}";
        line += timers == 0 ? "." : $"; left out {ProgressFormat.Count(timers)} parked timers ({OperatorPark.TimeoutEventType}): they are not events to import, see --show <position>.";
        await summary.WriteLineAsync(line);
        return ExitCodes.Ok;
    }

    private static async Task<DeadLetter?> Find(IProjectionStore store, string projection, int generation, GlobalPosition position, CancellationToken ct)
    {
        await foreach (var letter in All(store, projection, generation, ct))
            if (letter.Position == position) return letter;
        return null;
    }

    private static async IAsyncEnumerable<DeadLetter> All(IProjectionStore store, string projection, int generation, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (var skip = 0; ; skip += ScanPage)
        {
            var page = await store.ReadDeadLetters(projection, generation, skip, ScanPage, ct);
            foreach (var letter in page) yield return letter;
            if (page.Count < ScanPage) yield break;
        }
    }

    /// <summary>JSON indented, other text as it is, bytes that are not UTF-8 as base64 (said so).</summary>
    private static string Payload(ReadOnlyMemory<byte> payload)
    {
        if (DeadLetterLine.TryParseJson(payload) is { } document)
        {
            using (document)
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) document.RootElement.WriteTo(writer);
                return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }
        }
        return DeadLetterLine.TryText(payload) ?? "(not UTF-8, base64) " + Convert.ToBase64String(payload.Span);
    }

    private static string OneLine(string reason)
    {
        var line = (SecretRedactor.Redact(reason) ?? "").ReplaceLineEndings(" ");
        return line.Length <= ReasonShown ? line : line[..ReasonShown] + "...";
    }

    private static StreamWriter Create(string path)
    {
        try
        {
            return new StreamWriter(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HostUserException($"Cannot write '{path}' for dead-letters --export: {e.Message}", e);
        }
    }
}
