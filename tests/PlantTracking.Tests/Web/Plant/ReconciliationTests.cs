using System.Text.Json;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using PlantTracking.Items;
using Projections.Sqlite.Documents;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>
/// Continuous reconciliation in the real host process: with <c>--reconcile-interval</c> it re-folds live items
/// from the events and reports 0 mismatches while the store is right; a document changed in the SQLite file
/// behind the engine's back is reported (API, dashboard data, warning naming the key, metric).
/// </summary>
public sealed class ReconciliationTests : IAsyncLifetime
{
    private const string Items = PlantItemsProjection.ProjectionName;
    private AppProcessPlantHost _host = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _host = await AppProcessPlantHost.Start(adminToken: null, "--reconcile-interval", "200ms", "--reconcile-sample", "1000");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> Reconciliation() =>
        JsonDocument.Parse(await _host.Http.GetStringAsync($"/api/projections/{Items}", Ct)).RootElement.GetProperty("reconciliation");

    private Task<JsonElement> EventuallyReconciled(Func<JsonElement, bool> accept, string what) =>
        Eventually.Get(Reconciliation, accept, what + "; host output:\n" + _host.Output, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_clean_store_reconciles_with_no_mismatch_and_a_document_changed_behind_the_engines_back_is_reported_by_key()
    {
        var now = DateTimeOffset.UtcNow;
        await _host.Plant.Register("C1", now);
        await _host.Plant.Detect("C1", "Weld-1", now.AddSeconds(1));
        await _host.Plant.Register("C2", now);

        var clean = await EventuallyReconciled(r => r.GetProperty("lastChecked").GetInt32() >= 2, "a round that checked both items");
        clean.GetProperty("mismatches").GetInt64().Should().Be(0);
        clean.GetProperty("lastMismatchedKeys").GetArrayLength().Should().Be(0);

        await Tamper("item-C1");

        var dirty = await EventuallyReconciled(r => r.GetProperty("mismatches").GetInt64() > 0, "the changed document reported");
        dirty.GetProperty("lastMismatchedKeys").EnumerateArray().Select(k => k.GetString()).Should().Equal("item-C1");
        _host.Output.Should().Contain("aggregate 'item-C1' differs from its events");
        _host.Output.Should().NotContain("aggregate 'item-C2' differs");
        (await _host.Http.GetStringAsync("/metrics", Ct)).Should().Contain("projections_reconciliation_mismatches");
    }

    /// <summary>Changes the stored document in the SQLite file directly, as a bad migration or a manual edit would.</summary>
    private async Task Tamper(string key)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_host.DataDirectory, "projections.db")};Default Timeout=30");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE \"{SqliteNaming.DocumentTable(Items, 1)}\" SET state = json_set(state, '$.productType', 'tampered') WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        (await command.ExecuteNonQueryAsync(Ct)).Should().Be(1, "the item is stored");
    }
}
