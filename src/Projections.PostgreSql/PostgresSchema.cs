using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// The shared tables (generations, checkpoints, dead letters) and the DDL of one generation's document
/// table. Timestamps are stored twice: as timestamptz for SQL, and as .NET ticks (the engine compares
/// timeout deadlines exactly, and timestamptz keeps only microseconds).
/// </summary>
internal sealed class PostgresSchema(string schema)
{
    public const string GenerationsTable = "projection_generations";
    public const string CheckpointsTable = "projection_checkpoints";
    public const string DeadLettersTable = "projection_dead_letters";
    public const string LeasesTable = "projection_leases";
    public const string HostsTable = "projection_hosts";

    /// <summary>Serializes schema changes of every process using this database (CREATE ... IF NOT EXISTS races otherwise).</summary>
    public const long SchemaLockId = 0x50524f4a_5343484d; // "PROJSCHM"

    public string Name { get; } = schema;

    public string Generations => PostgresNaming.Qualified(Name, GenerationsTable);
    public string Checkpoints => PostgresNaming.Qualified(Name, CheckpointsTable);
    public string DeadLetters => PostgresNaming.Qualified(Name, DeadLettersTable);
    public string Leases => PostgresNaming.Qualified(Name, LeasesTable);
    public string Hosts => PostgresNaming.Qualified(Name, HostsTable);

    public string Table(string name) => PostgresNaming.Qualified(Name, name);

    public string Create => $"""
        CREATE SCHEMA IF NOT EXISTS {PostgresNaming.Quote(Name)};
        CREATE TABLE IF NOT EXISTS {Generations} (
            projection text    PRIMARY KEY,
            base_name  text    NOT NULL UNIQUE,
            active     integer NOT NULL,
            building   integer
        );
        ALTER TABLE {Generations} ADD COLUMN IF NOT EXISTS preview boolean NOT NULL DEFAULT false;
        ALTER TABLE {Generations} ADD COLUMN IF NOT EXISTS active_shards integer NOT NULL DEFAULT 1;
        ALTER TABLE {Generations} ADD COLUMN IF NOT EXISTS building_shards integer NOT NULL DEFAULT 1;
        CREATE TABLE IF NOT EXISTS {Checkpoints} (
            projection        text        NOT NULL,
            generation        integer     NOT NULL,
            shard             integer     NOT NULL DEFAULT 0,
            commit_position   bigint      NOT NULL,
            prepare_position  bigint      NOT NULL,
            stream_time       timestamptz,
            stream_time_ticks bigint,
            updated_at        timestamptz NOT NULL,
            PRIMARY KEY (projection, generation, shard)
        );
        CREATE TABLE IF NOT EXISTS {DeadLetters} (
            projection       text        NOT NULL,
            generation       integer     NOT NULL,
            commit_position  bigint      NOT NULL,
            prepare_position bigint      NOT NULL,
            stream_id        text        NOT NULL,
            stream_revision  bigint      NOT NULL,
            event_id         uuid        NOT NULL,
            event_type       text        NOT NULL,
            data             bytea       NOT NULL,
            metadata         bytea       NOT NULL,
            reason           text        NOT NULL,
            parked_at        timestamptz NOT NULL,
            parked_at_ticks  bigint      NOT NULL,
            PRIMARY KEY (projection, generation, commit_position, prepare_position)
        );
        CREATE TABLE IF NOT EXISTS {Leases} (
            projection text        NOT NULL,
            generation integer     NOT NULL,
            shard      integer     NOT NULL,
            owner      text,
            epoch      bigint      NOT NULL,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (projection, generation, shard)
        );
        CREATE TABLE IF NOT EXISTS {Hosts} (
            host         text        PRIMARY KEY,
            address      text,
            started_at   timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL,
            expires_at   timestamptz NOT NULL
        );
        """;

    /// <summary>
    /// The name of the checkpoint table's primary key when it is still (projection, generation), as every version before shards
    /// created it; null once it includes the shard. Parameter $1: <see cref="Checkpoints"/>.
    /// </summary>
    public const string CheckpointKeyWithoutShard = """
        SELECT c.conname FROM pg_constraint c
        WHERE c.conrelid = $1::regclass AND c.contype = 'p'
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) AND a.attname = 'shard')
        """;

    /// <summary>
    /// Re-keys a checkpoint table created before shards by (projection, generation, shard): the added column's default makes
    /// every existing row shard 0's. Runs in <see cref="Create"/>'s transaction, under the schema lock, so another process
    /// starting on the same database sees the old table or the new one, never half of it.
    /// </summary>
    public string KeyCheckpointsByShard(string oldPrimaryKey) => $"""
        ALTER TABLE {Checkpoints}
            ADD COLUMN IF NOT EXISTS shard integer NOT NULL DEFAULT 0,
            DROP CONSTRAINT {PostgresNaming.Quote(oldPrimaryKey)},
            ADD PRIMARY KEY (projection, generation, shard)
        """;

    public const string DocumentColumns = "key, state, version, commit_position, prepare_position, updated_at, updated_ticks, timeout_at, timeout_ticks";

    /// <summary>The document table and one expression index per declared field (the expression of <see cref="PostgresNaming.FieldExpression"/>).</summary>
    public string CreateDocumentTable(string table, IReadOnlyList<IndexDefinition> indexes)
    {
        var sql = $"""
            CREATE TABLE IF NOT EXISTS {Table(table)} (
                key              text COLLATE "C" PRIMARY KEY,
                state            jsonb       NOT NULL,
                version          bigint      NOT NULL,
                commit_position  bigint      NOT NULL,
                prepare_position bigint      NOT NULL,
                updated_at       timestamptz NOT NULL,
                updated_ticks    bigint      NOT NULL,
                timeout_at       timestamptz,
                timeout_ticks    bigint
            );
            """;
        // The engine pages through deadlines of aggregates it does not keep in memory (LoadTimeouts).
        sql += $"\nCREATE INDEX IF NOT EXISTS {PostgresNaming.Quote(table + "__timeouts")} ON {Table(table)} (timeout_ticks, key) WHERE timeout_ticks IS NOT NULL;";
        foreach (var index in indexes)
            sql += $"\nCREATE INDEX IF NOT EXISTS {PostgresNaming.Quote(PostgresNaming.IndexName(table, index.Field))} ON {Table(table)} (({PostgresNaming.FieldExpression(index.Field)}));";
        return sql;
    }

    /// <summary>
    /// The view named after the projection, over the active generation's table. Every generation's table has
    /// the same columns, so CREATE OR REPLACE keeps views that users built on top of it.
    /// </summary>
    public string ReplaceActiveView(string baseName, int generation) =>
        $"CREATE OR REPLACE VIEW {Table(baseName)} AS SELECT * FROM {Table(PostgresNaming.DocumentTable(baseName, generation))}";

    /// <summary>
    /// Version guard (see <see cref="StoredDocument.Supersedes"/>): a stored document is replaced only by one
    /// newer by (position, version). Rows come from <paramref name="source"/> with the columns of <see cref="DocumentColumns"/>;
    /// DISTINCT ON keeps the newest per key, since ON CONFLICT cannot touch a row twice in one statement.
    /// </summary>
    public string GuardedUpsert(string table, string source) => $"""
        INSERT INTO {Table(table)} AS stored ({DocumentColumns})
        SELECT DISTINCT ON (key) {DocumentColumns} FROM {source}
        ORDER BY key, commit_position DESC, prepare_position DESC, version DESC
        ON CONFLICT (key) DO UPDATE SET
            state = excluded.state, version = excluded.version,
            commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
            updated_at = excluded.updated_at, updated_ticks = excluded.updated_ticks,
            timeout_at = excluded.timeout_at, timeout_ticks = excluded.timeout_ticks
        WHERE (stored.commit_position, stored.prepare_position, stored.version)
            < (excluded.commit_position, excluded.prepare_position, excluded.version)
        """;
}
