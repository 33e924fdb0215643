using Microsoft.Data.Sqlite;
using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>The projection_generations rows and the document tables they name; every method runs inside the caller's write transaction.</summary>
internal sealed class GenerationCatalog(SqliteConnection connection, SqliteTransaction transaction)
{
    public ProjectionGenerations? Read(string projection)
    {
        using var command = Command("SELECT active, building, preview, active_shards, building_shards FROM projection_generations WHERE projection = $projection");
        command.Parameters.AddWithValue("$projection", projection);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new ProjectionGenerations(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetInt64(2) != 0)
        {
            ActiveShards = reader.GetInt32(3),
            BuildingShards = reader.GetInt32(4),
        };
    }

    public ProjectionGenerations Require(string projection) =>
        Read(projection) ?? throw new InvalidOperationException($"Projection '{projection}' is unknown to the store; call EnsureProjection first.");

    public void Save(string projection, ProjectionGenerations generations)
    {
        using var command = Command("""
            INSERT INTO projection_generations (projection, active, building, preview, active_shards, building_shards)
            VALUES ($projection, $active, $building, $preview, $activeShards, $buildingShards)
            ON CONFLICT (projection) DO UPDATE SET active = excluded.active, building = excluded.building, preview = excluded.preview,
                active_shards = excluded.active_shards, building_shards = excluded.building_shards
            """);
        command.Parameters.AddWithValue("$activeShards", generations.ActiveShards);
        command.Parameters.AddWithValue("$buildingShards", generations.Building is null ? 1 : generations.BuildingShards);
        command.Parameters.AddWithValue("$projection", projection);
        command.Parameters.AddWithValue("$active", generations.Active);
        command.Parameters.AddWithValue("$building", generations.Building is { } b ? b : DBNull.Value);
        // A preview mark without a generation being built means nothing; it is never stored.
        command.Parameters.AddWithValue("$preview", generations.Building is not null && generations.Preview ? 1 : 0);
        command.ExecuteNonQuery();
    }

    public void CreateStorage(string projection, int generation, IReadOnlyList<IndexDefinition> indexes) =>
        Execute(ProjectionSchema.CreateDocumentTable(SqliteNaming.DocumentTable(projection, generation), indexes));

    public bool StorageExists(string projection, int generation)
    {
        using var command = Command("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name");
        command.Parameters.AddWithValue("$name", SqliteNaming.DocumentTable(projection, generation));
        return command.ExecuteScalar() is not null;
    }

    public void PointViewAt(string projection, int generation) => Execute(ProjectionSchema.ReplaceActiveView(projection, generation));

    public void DropStorage(string projection, int generation)
    {
        Execute($"DROP TABLE IF EXISTS \"{SqliteNaming.DocumentTable(projection, generation)}\"");
        foreach (var table in new[] { "projection_checkpoints", "projection_dead_letters" })
        {
            using var command = Command($"DELETE FROM {table} WHERE projection = $projection AND generation = $generation");
            command.Parameters.AddWithValue("$projection", projection);
            command.Parameters.AddWithValue("$generation", generation);
            command.ExecuteNonQuery();
        }
        RevokeLeases(projection, generation);
    }

    /// <summary>Frees the generation's leases and bumps their epochs, so whoever held one is fenced out (rows stay: epochs never repeat).</summary>
    private void RevokeLeases(string projection, int generation)
    {
        using var command = Command("UPDATE projection_leases SET owner = NULL, epoch = epoch + 1, expires_at = 0 WHERE projection = $projection AND generation = $generation");
        command.Parameters.AddWithValue("$projection", projection);
        command.Parameters.AddWithValue("$generation", generation);
        command.ExecuteNonQuery();
    }

    private void Execute(string sql) => SqliteDatabase.Execute(connection, sql, transaction);

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
