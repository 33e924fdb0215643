using System.Text.Json;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Host.Composition;
using Projections.Host.Configuration;
using Projections.Host.Web;

namespace Projections.Host.Commands;

/// <summary>
/// <c>dead-letters</c>: the parked events of the active generations, read from the store (safe while a
/// host runs). <c>list</c> (default) prints one line per letter, <c>show</c> one letter with its payload,
/// <c>export</c> JSON lines (one object per letter, with its projection and generation) for tools.
/// </summary>
public static class DeadLettersCommand
{
    private const int Page = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> Execute(CommandContext context)
    {
        var words = context.Request.Arguments ?? [];
        var verb = words.Count > 0 && words[0] is "list" or "show" or "export" ? words[0] : "list";
        var rest = words.Count > 0 && words[0] == verb ? words.Skip(1).ToList() : words.ToList();
        var projections = HostProjections.Create();
        var ct = context.Stop;

        if (verb == "show")
        {
            if (rest.Count != 2) throw new HostUserException("Usage: dead-letters show <projection> <position>.");
            var name = HostProjections.ResolveNames(projections, rest[0], "dead-letters show").Single();
            if (!PositionText.TryParse(rest[1], out var position))
                throw new HostUserException($"Invalid position '{rest[1]}' for dead-letters show: expected a position such as 4711 or 4711/4700.");
            await using var adapters = await AdapterFactory.Open(context.Settings, needsWritableEvents: false, ct);
            var (generation, letters) = await Read(adapters.Store, name, ct);
            var letter = letters.FirstOrDefault(l => l.Position == position)
                ?? throw new HostUserException($"Projection '{name}' generation {generation} has no dead letter at position {position}.");
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(Exported(name, generation, letter), new JsonSerializerOptions(Json) { WriteIndented = true }));
            return ExitCodes.Ok;
        }

        if (rest.Count > 1) throw new HostUserException($"Unexpected argument '{rest[1]}' after 'dead-letters {verb} {rest[0]}'.");
        var names = HostProjections.ResolveNames(projections, rest.Count == 1 ? rest[0] : "all", $"dead-letters {verb}");
        await using (var adapters = await AdapterFactory.Open(context.Settings, needsWritableEvents: false, ct))
        {
            foreach (var name in names)
            {
                var (generation, letters) = await Read(adapters.Store, name, ct);
                foreach (var letter in letters)
                    await context.Output.WriteLineAsync(verb == "export"
                        ? JsonSerializer.Serialize(Exported(name, generation, letter), Json)
                        : $"{name} g{generation} @{letter.Position}  {letter.StreamId}@{letter.StreamRevision} {letter.EventType}  parked {letter.ParkedAt:yyyy-MM-ddTHH:mm:ssZ}  {SecretRedactor.Redact(letter.Reason)}");
                if (verb == "list" && letters.Count == 0) await context.Output.WriteLineAsync($"{name} g{generation}: no dead letters");
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<(int Generation, List<DeadLetter> Letters)> Read(IProjectionStore store, string projection, CancellationToken ct)
    {
        var definition = HostProjections.Create().First(p => p.Name == projection);
        var generation = (await store.EnsureProjection(projection, definition.Indexes, ct)).Active;
        var letters = new List<DeadLetter>();
        for (var skip = 0; ; skip += Page)
        {
            var page = await store.ReadDeadLetters(projection, generation, skip, Page, ct);
            letters.AddRange(page);
            if (page.Count < Page) return (generation, letters);
        }
    }

    private static object Exported(string projection, int generation, DeadLetter letter) =>
        new { projection, generation, letter = DeadLetterSummary.From(letter) };
}
