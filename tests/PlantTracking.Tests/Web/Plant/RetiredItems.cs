using System.Net;
using System.Text.Json;
using PlantTracking.Items;
using Projections.Testing;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>Makes a plant item retire in a running host: it completes, then fresh items move stream time hours on.</summary>
public static class RetiredItems
{
    /// <summary>
    /// Registers and completes <paramref name="itemId"/> now, then registers fresh items two hours on (the plant
    /// retires an item an hour of stream time after it completed) until the entity search finds the item retired
    /// in the store: a partition retires its finished items on its next step after their last flush, so the
    /// fresh items keep every partition stepping.
    /// Returns the search's stored match.
    /// </summary>
    public static async Task<JsonElement> CompleteAndRetire(IPlantHost host, string itemId, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await host.Plant.Register(itemId, now);
        await host.Plant.Complete(itemId, "Weld-1", now.AddMinutes(1));
        var nudge = 0;
        return await Eventually.Get(async () =>
        {
            for (var i = 0; i < 4; i++) await host.Plant.Register($"nudge-{itemId}-{nudge++}", now.AddHours(2));
            var response = await host.Http.GetAsync($"/api/projections/{PlantItemsProjection.ProjectionName}/entities?key=item-{itemId}", ct);
            if (response.StatusCode != HttpStatusCode.OK) return default;
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            return page.TryGetProperty("storedMatch", out var match) ? match : default;
        }, match => match.ValueKind == JsonValueKind.Object && match.GetProperty("retired").GetBoolean(), $"item-{itemId} retired and found in the store",
            TimeSpan.FromSeconds(45));
    }
}
