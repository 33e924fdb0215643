using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>The shared tables, and the DDL of one generation's document table and its indexes.</summary>
internal static class ProjectionSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS projection_generations (
            projection TEXT    PRIMARY KEY NOT NULL,
            active     INTEGER NOT NULL,
            building   INTEGER,
            preview    INTEGER NOT NULL DEFAULT 0,
            active_shards   INTEGER NOT NULL DEFAULT 1,
            building_shards INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS projection_checkpoints (
            projection       TEXT    NOT NULL,
            generation       INTEGER NOT NULL,
            shard            INTEGER NOT NULL DEFAULT 0,
            commit_position  INTEGER NOT NULL,
            prepare_position INTEGER NOT NULL,
            stream_time      TEXT,
            updated_at       TEXT    NOT NULL,
            writer           TEXT,
            writer_epoch     INTEGER,
            PRIMARY KEY (projection, generation, shard)
        );
        CREATE TABLE IF NOT EXISTS projection_dead_letters (
            projection       TEXT    NOT NULL,
            generation       INTEGER NOT NULL,
            commit_position  INTEGER NOT NULL,
            prepare_position INTEGER NOT NULL,
            stream_id        TEXT    NOT NULL,
            stream_revision  INTEGER NOT NULL,
            event_id         TEXT    NOT NULL,
            event_type       TEXT    NOT NULL,
            data             BLOB    NOT NULL,
            metadata         BLOB    NOT NULL,
            reason           TEXT    NOT NULL,
            parked_at        TEXT    NOT NULL,
            PRIMARY KEY (projection, generation, commit_position, prepare_position)
        );
        CREATE TABLE IF NOT EXISTS projection_leases (
            projection TEXT    NOT NULL,
            generation INTEGER NOT NULL,
            shard      INTEGER NOT NULL,
            owner      TEXT,
            epoch      INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (projection, generation, shard)
        );
        CREATE TABLE IF NOT EXISTS projection_hosts (
            host         TEXT    PRIMARY KEY NOT NULL,
            address      TEXT,
            started_at   INTEGER NOT NULL,
            heartbeat_at INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL
        );
        """;

    /// <summary>Columns added after the first release, for files created before them: (table, column, type).</summary>
    public static readonly (string Table, string Column, string Type)[] AddedColumns =
    [
        ("projection_checkpoints", "writer", "TEXT"),
        ("projection_checkpoints", "writer_epoch", "INTEGER"),
        ("projection_generations", "preview", "INTEGER NOT NULL DEFAULT 0"),
        ("projection_generations", "active_shards", "INTEGER NOT NULL DEFAULT 1"),
        ("projection_generations", "building_shards", "INTEGER NOT NULL DEFAULT 1"),
    ];

    /// <summary>Adds <see cref="AddedColumns"/> to a file created by an earlier version (ALTER TABLE ADD COLUMN keeps the rows).</summary>
    public static void AddMissingColumns(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        foreach (var (table, column, type) in AddedColumns)
        {
            if (HasColumn(connection, table, column)) continue;
            try { SqliteDatabase.Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}"); }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
                // Another process starting on the same file added it first.
            }
        }
    }

    /// <summary>
    /// A file created before shards keys its checkpoints by (projection, generation). SQLite cannot change a primary key, so the
    /// table is copied into one keyed by (projection, generation, shard), every existing row becoming shard 0's, and renamed back:
    /// one write transaction, so a second process starting on the same file sees either table, never half of it.
    /// </summary>
    public static void KeyCheckpointsByShard(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        if (HasColumn(connection, "projection_checkpoints", "shard")) return;
        using var transaction = connection.BeginTransaction(deferred: false);
        if (HasColumn(connection, "projection_checkpoints", "shard")) return;
        SqliteDatabase.Execute(connection, """
            CREATE TABLE projection_checkpoints_by_shard (
                projection       TEXT    NOT NULL,
                generation       INTEGER NOT NULL,
                shard            INTEGER NOT NULL DEFAULT 0,
                commit_position  INTEGER NOT NULL,
                prepare_position INTEGER NOT NULL,
                stream_time      TEXT,
                updated_at       TEXT    NOT NULL,
                writer           TEXT,
                writer_epoch     INTEGER,
                PRIMARY KEY (projection, generation, shard)
            );
            INSERT INTO projection_checkpoints_by_shard (projection, generation, shard, commit_position, prepare_position, stream_time, updated_at, writer, writer_epoch)
                SELECT projection, generation, 0, commit_position, prepare_position, stream_time, updated_at, writer, writer_epoch FROM projection_checkpoints;
            DROP TABLE projection_checkpoints;
            ALTER TABLE projection_checkpoints_by_shard RENAME TO projection_checkpoints;
            """, transaction);
        transaction.Commit();
    }

    private static bool HasColumn(Microsoft.Data.Sqlite.SqliteConnection connection, string table, string column)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'";
        return probe.ExecuteScalar() is not null;
    }

    public const string DocumentColumns = "key, state, version, commit_position, prepare_position, timeout_at, updated_at";

    /// <summary>The document table and one json_extract expression index per declared field.</summary>
    public static string CreateDocumentTable(string table, IReadOnlyList<IndexDefinition> indexes)
    {
        var sql = $"""
            CREATE TABLE IF NOT EXISTS "{table}" (
                key              TEXT    PRIMARY KEY NOT NULL,
                state            TEXT    NOT NULL,
                version          INTEGER NOT NULL,
                commit_position  INTEGER NOT NULL,
                prepare_position INTEGER NOT NULL,
                timeout_at       TEXT,
                updated_at       TEXT    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS "{table}_timeouts" ON "{table}" (timeout_at, key) WHERE timeout_at IS NOT NULL;
            """;
        foreach (var index in indexes)
            sql += $"\nCREATE INDEX IF NOT EXISTS \"{SqliteNaming.IndexName(table, index.Field)}\" ON \"{table}\" ({SqliteNaming.JsonExtract(index.Field)});";
        return sql;
    }

    public static string ReplaceActiveView(string projection, int generation) =>
        $"""
        DROP VIEW IF EXISTS "{SqliteNaming.ActiveView(projection)}";
        CREATE VIEW "{SqliteNaming.ActiveView(projection)}" AS SELECT * FROM "{SqliteNaming.DocumentTable(projection, generation)}";
        """;

    /// <summary>Version guard: a stored document is replaced only by a newer one, by (position, version) — see <see cref="Projections.Core.Ports.StoredDocument.Supersedes"/>.</summary>
    public static string Upsert(string table) => $"""
        INSERT INTO "{table}" ({DocumentColumns}) VALUES ($key, $state, $version, $commit, $prepare, $timeout, $updated)
        ON CONFLICT (key) DO UPDATE SET
            state = excluded.state, version = excluded.version,
            commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
            timeout_at = excluded.timeout_at, updated_at = excluded.updated_at
        WHERE (excluded.commit_position, excluded.prepare_position, excluded.version) > ("{table}".commit_position, "{table}".prepare_position, "{table}".version)
        """;
}
