using System.Globalization;
using System.Text.Json;
using PlantTracking.Events;
using PlantTracking.Serialization;
using Projections.Core.Ports;

namespace PlantTracking.Simulation;

/// <summary>Where a new simulator continues in a store that already holds items: the next item number and plant time.</summary>
internal readonly record struct ResumePoint(long NextItemNumber, DateTimeOffset? LatestRegistration)
{
    public static async Task<ResumePoint> Find(IEventStore store, CancellationToken cancellationToken)
    {
        var filter = new EventFilter { StreamPrefixes = [PlantStreams.ItemPrefix], EventTypes = [PlantEventTypes.ItemRegistered] };
        long highest = 0;
        DateTimeOffset? latest = null;
        await foreach (var e in store.ReadAllForward(null, filter, cancellationToken).ConfigureAwait(false))
        {
            if (e.EventType != PlantEventTypes.ItemRegistered) continue;
            ItemRegistered registered;
            try
            {
                registered = JsonSerializer.Deserialize(e.Data.Span, PlantJsonContext.Default.ItemRegistered)
                    ?? throw new JsonException("the payload is null");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Simulator cannot resume: {e} has an unreadable ItemRegistered payload ({ex.Message}).", ex);
            }
            // Items registered by other producers may use other ids; only ours (numbers) matter for numbering.
            if (long.TryParse(registered.ItemId, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > highest)
                highest = number;
            if (latest is null || registered.RegisteredAt > latest) latest = registered.RegisteredAt;
        }
        return new ResumePoint(highest + 1, latest);
    }
}
