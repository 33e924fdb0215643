using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// The projection_generations rows (with each projection's base name) and the tables and views they
/// name, and their leases; every method runs inside the caller's transaction, which holds the schema lock.
/// </summary>
internal sealed class GenerationCatalog(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresSchema schema, LeaseStatements leases)
{
    public sealed record Entry(string BaseName, ProjectionGenerations Generations);

    /// <summary>The columns <see cref="FromRow"/> reads, in its order.</summary>
    public const string GenerationColumns = "active, building, preview, active_shards, building_shards";

    public async Task<Entry?> Read(string projection, CancellationToken ct)
    {
        await using var command = Command($"SELECT base_name, {GenerationColumns} FROM {schema.Generations} WHERE projection = $1", projection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new Entry(reader.GetString(0), FromRow(reader, 1));
    }

    /// <summary>The generations from <see cref="GenerationColumns"/> starting at column <paramref name="first"/>.</summary>
    public static ProjectionGenerations FromRow(NpgsqlDataReader reader, int first)
    {
        int? building = reader.IsDBNull(first + 1) ? null : reader.GetInt32(first + 1);
        return new ProjectionGenerations(reader.GetInt32(first), building, building is not null && reader.GetBoolean(first + 2))
        {
            ActiveShards = reader.GetInt32(first + 3),
            BuildingShards = building is null ? 1 : reader.GetInt32(first + 4),
        };
    }

    public async Task<Entry> Require(string projection, CancellationToken ct) =>
        await Read(projection, ct).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Projection '{projection}' is unknown to the store; call EnsureProjection first.");

    /// <summary>Records a new projection with generation 1 active in <paramref name="shards"/> shards, under its preferred base name or, when that is taken, the hashed one.</summary>
    public async Task<Entry> Register(string projection, int shards, CancellationToken ct)
    {
        var baseName = PostgresNaming.PreferredBaseName(projection);
        if (await NameTaken(baseName, ct).ConfigureAwait(false))
        {
            baseName = PostgresNaming.HashedBaseName(projection);
            if (await NameTaken(baseName, ct).ConfigureAwait(false))
                throw new InvalidOperationException($"Projection '{projection}' cannot be given a table name in schema '{schema.Name}': both '{PostgresNaming.PreferredBaseName(projection)}' and '{baseName}' are taken.");
        }
        var entry = new Entry(baseName, new ProjectionGenerations(1, null) { ActiveShards = shards });
        await using var command = Command($"INSERT INTO {schema.Generations} (projection, base_name, active, building, active_shards) VALUES ($1, $2, 1, NULL, $3)", projection, baseName, shards);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return entry;
    }

    public async Task Save(string projection, ProjectionGenerations generations, CancellationToken ct)
    {
        await using var command = Command($"""
            UPDATE {schema.Generations} SET active = $2, building = $3, preview = $4, active_shards = $5, building_shards = $6
            WHERE projection = $1
            """,
            projection, generations.Active, generations.Building is { } b ? b : DBNull.Value, generations.Building is not null && generations.Preview,
            generations.ActiveShards, generations.Building is null ? 1 : generations.BuildingShards);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One conditional statement: the generation being built (not a preview) becomes the active one with its shard count, and
    /// building is cleared. Returns the base name, or null when <paramref name="generation"/> is not being built any more.
    /// </summary>
    public async Task<string?> ActivateBuilt(string projection, int generation, CancellationToken ct)
    {
        await using var command = Command($"""
            UPDATE {schema.Generations} SET active = building, active_shards = building_shards, building = NULL, preview = false, building_shards = 1
            WHERE projection = $1 AND building = $2 AND NOT preview
            RETURNING base_name
            """, projection, generation);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public Task CreateStorage(string baseName, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken ct) =>
        Execute(schema.CreateDocumentTable(PostgresNaming.DocumentTable(baseName, generation), indexes), ct);

    public async Task<bool> StorageExists(string baseName, int generation, CancellationToken ct) =>
        await RelationExists(PostgresNaming.DocumentTable(baseName, generation), ct).ConfigureAwait(false);

    public Task PointViewAt(string baseName, int generation, CancellationToken ct) => Execute(schema.ReplaceActiveView(baseName, generation), ct);

    public async Task DropStorage(string projection, string baseName, int generation, CancellationToken ct)
    {
        await Execute($"DROP TABLE IF EXISTS {schema.Table(PostgresNaming.DocumentTable(baseName, generation))}", ct).ConfigureAwait(false);
        // Revoking the generation's leases fences out whoever still writes it.
        foreach (var sql in new[] { $"DELETE FROM {schema.Checkpoints} WHERE projection = $1 AND generation = $2", $"DELETE FROM {schema.DeadLetters} WHERE projection = $1 AND generation = $2", leases.Revoke })
        {
            await using var command = Command(sql, projection, generation);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> NameTaken(string baseName, CancellationToken ct)
    {
        await using var registered = Command($"SELECT 1 FROM {schema.Generations} WHERE base_name = $1", baseName);
        return await registered.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null || await RelationExists(baseName, ct).ConfigureAwait(false);
    }

    private async Task<bool> RelationExists(string name, CancellationToken ct)
    {
        await using var command = Command("SELECT to_regclass($1) IS NOT NULL", schema.Table(name));
        return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private async Task Execute(string sql, CancellationToken ct)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private NpgsqlCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
