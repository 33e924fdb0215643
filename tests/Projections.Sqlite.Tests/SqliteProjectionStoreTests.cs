using System.Text;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Sqlite.Documents;
using Xunit;

namespace Projections.Sqlite.Tests;

public sealed class SqliteProjectionStoreTests : IAsyncLifetime
{
    private const string Projection = "plant-items";
    private static readonly DateTimeOffset Noon = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _files = new();
    private SqliteProjectionStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteProjectionStore(_files.Path("projections.db"));
        await _store.Initialize(Ct);
    }

    [Fact]
    public async Task Documents_are_queryable_with_json_extract_through_the_active_view_using_the_declared_index()
    {
        await _store.EnsureProjection(Projection, [new IndexDefinition("status"), new IndexDefinition("plan.station")], Ct);
        await _store.WriteBatch(Batch(1, 3,
            Doc("item-1", """{"status":"Lost","plan":{"station":"S1"}}""", 1),
            Doc("item-2", """{"status":"Active","plan":{"station":"S2"}}""", 2),
            Doc("item-3", """{"status":"Lost","plan":{"station":"S2"}}""", 3)), Ct);

        var lost = Query($"SELECT key FROM \"{SqliteNaming.ActiveView(Projection)}\" WHERE {SqliteNaming.JsonExtract("status")} = 'Lost' ORDER BY key");
        var atS2 = Query($"SELECT key FROM \"{SqliteNaming.ActiveView(Projection)}\" WHERE {SqliteNaming.JsonExtract("plan.station")} = 'S2' ORDER BY key");
        var plan = Query($"EXPLAIN QUERY PLAN SELECT key FROM \"{SqliteNaming.DocumentTable(Projection, 1)}\" WHERE {SqliteNaming.JsonExtract("status")} = 'Lost'", column: 3);

        lost.Should().Equal("item-1", "item-3");
        atS2.Should().Equal("item-2", "item-3");
        plan.Should().ContainSingle().Which.Should().Contain("USING INDEX");
    }

    [Fact]
    public async Task The_active_view_follows_an_activated_generation()
    {
        await _store.EnsureProjection(Projection, [], Ct);
        await _store.WriteBatch(Batch(1, 1, Doc("old", "{}", 1)), Ct);
        await _store.BeginGeneration(Projection, 2, [], Ct);
        await _store.WriteBatch(Batch(2, 1, Doc("new", "{}", 1)), Ct);

        await _store.ActivateGeneration(Projection, 2, Ct);

        Query($"SELECT key FROM \"{SqliteNaming.ActiveView(Projection)}\"").Should().Equal("new");
    }

    [Fact]
    public async Task A_batch_that_fails_midway_leaves_neither_documents_nor_dead_letters_nor_checkpoint()
    {
        await _store.EnsureProjection(Projection, [], Ct);
        Execute($"""
            CREATE TRIGGER refuse_poison BEFORE INSERT ON "{SqliteNaming.DocumentTable(Projection, 1)}"
            WHEN NEW.key = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END;
            """);
        var batch = Batch(1, 3, Doc("fine", "{}", 1), Doc("poison", "{}", 2)) with { DeadLetters = [Letter(3)] };

        var write = () => _store.WriteBatch(batch, Ct);

        (await write.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Message.Should().Contain("poison refused");
        (await _store.LoadDocument(Projection, 1, "fine", Ct)).Should().BeNull();
        (await _store.CountDeadLetters(Projection, 1, Ct)).Should().Be(0);
        (await _store.LoadCheckpoint(Projection, 1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task A_document_that_is_not_a_json_object_is_refused_naming_its_key()
    {
        await _store.EnsureProjection(Projection, [], Ct);

        var write = () => _store.WriteBatch(Batch(1, 2, Doc("good", "{}", 1), Doc("bad-one", "{\"unterminated\":", 2)), Ct);

        (await write.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Key.Should().Be("bad-one");
        (await _store.LoadDocument(Projection, 1, "good", Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Writing_to_a_generation_that_was_never_created_fails_naming_it()
    {
        await _store.EnsureProjection(Projection, [], Ct);

        var write = () => _store.WriteBatch(Batch(7, 1, Doc("a", "{}", 1)), Ct);

        (await write.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Message.Should().Contain("plant-items").And.Contain("generation 7");
    }

    [Fact]
    public async Task The_active_generation_can_be_neither_dropped_nor_begun_again()
    {
        await _store.EnsureProjection(Projection, [], Ct);

        var drop = () => _store.DropGeneration(Projection, 1, Ct);
        var begin = () => _store.BeginGeneration(Projection, 1, [], Ct);

        await drop.Should().ThrowAsync<InvalidOperationException>().WithMessage("*active generation*");
        await begin.Should().ThrowAsync<InvalidOperationException>().WithMessage("*active generation*");
    }

    [Fact]
    public async Task Beginning_a_generation_again_starts_it_empty()
    {
        await _store.EnsureProjection(Projection, [], Ct);
        await _store.BeginGeneration(Projection, 2, [], Ct);
        await _store.WriteBatch(Batch(2, 5, Doc("half-built", "{}", 5)), Ct);

        await _store.BeginGeneration(Projection, 2, [], Ct);

        (await _store.LoadDocument(Projection, 2, "half-built", Ct)).Should().BeNull();
        (await _store.LoadCheckpoint(Projection, 2, Ct)).Should().BeNull();
    }

    [Fact]
    public void Table_names_are_safe_distinct_and_documented()
    {
        // Pinned: existing databases are found by these names, so they must never change.
        SqliteNaming.DocumentTable("plant-items", 2).Should().Be("docs_plant_items_68391a27_g2");
        SqliteNaming.ActiveView("plant-items").Should().NotBe(SqliteNaming.ActiveView("plant_items"));
        SqliteNaming.ActiveView("Robert\"); DROP TABLE x;--").Should().MatchRegex("^docs_[a-z0-9_]+_[0-9a-f]{8}$");
        SqliteNaming.ActiveView(new string('x', 500)).Length.Should().BeLessThan(60);
    }

    [Theory]
    [InlineData("status", "$.status")]
    [InlineData("plan.station", "$.plan.station")]
    [InlineData("odd name", "$.\"odd name\"")]
    public void Index_fields_become_json_paths(string field, string path) => SqliteNaming.JsonPath(field).Should().Be(path);

    [Theory]
    [InlineData("it's")]
    [InlineData("a..b")]
    [InlineData("")]
    public void Unusable_index_fields_are_refused_naming_the_field(string field)
    {
        var path = () => SqliteNaming.JsonPath(field);

        path.Should().Throw<ArgumentException>().WithMessage("*field*");
    }

    [Fact]
    public async Task The_checkpoint_row_names_the_writer_and_its_lease_epoch()
    {
        await _store.EnsureProjection(Projection, [], Ct);
        var lease = (await _store.TryAcquire(new LeaseKey(Projection, 1, 0), "host-a", TimeSpan.FromMinutes(1), Ct))!;

        await _store.WriteBatch(Batch(1, 5, Doc("item-1", "{}", 5)) with { Fence = lease }, Ct);

        Query($"SELECT writer || ':' || writer_epoch FROM projection_checkpoints WHERE projection = '{Projection}'").Should().Equal($"host-a:{lease.Epoch}");
    }

    [Fact]
    public async Task A_file_from_before_leases_gains_the_writer_columns_and_keeps_its_checkpoint()
    {
        await _store.EnsureProjection(Projection, [], Ct);
        await _store.WriteBatch(Batch(1, 5, Doc("item-1", "{}", 5)), Ct);
        Execute("ALTER TABLE projection_checkpoints DROP COLUMN writer; ALTER TABLE projection_checkpoints DROP COLUMN writer_epoch;");
        _store.Dispose();

        _store = new SqliteProjectionStore(_files.Path("projections.db"));
        await _store.Initialize(Ct);
        await _store.WriteBatch(Batch(1, 6, Doc("item-1", "{}", 6)), Ct);

        (await _store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(6));
    }

    [Fact]
    public async Task A_file_from_before_shards_keeps_its_projections_as_one_shard_and_takes_shard_checkpoints()
    {
        // The tables as every release before shards created them, with a user's projection at generation 2.
        var path = _files.Path("before-shards.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = """
                CREATE TABLE projection_generations (projection TEXT PRIMARY KEY NOT NULL, active INTEGER NOT NULL, building INTEGER, preview INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE projection_checkpoints (projection TEXT NOT NULL, generation INTEGER NOT NULL, commit_position INTEGER NOT NULL,
                    prepare_position INTEGER NOT NULL, stream_time TEXT, updated_at TEXT NOT NULL, writer TEXT, writer_epoch INTEGER,
                    PRIMARY KEY (projection, generation));
                INSERT INTO projection_generations VALUES ('plant-items', 2, NULL, 0);
                INSERT INTO projection_checkpoints VALUES ('plant-items', 2, 700, 700, '2026-01-31T12:00:00.0000000Z', '2026-01-31T12:00:01.0000000Z', 'host-a', 4);
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteProjectionStore(path);
        await store.Initialize(Ct);

        (await store.EnsureProjection(Projection, [], Ct)).Should().Be(new ProjectionGenerations(2, null) { ActiveShards = 1 });
        (await store.LoadCheckpoint(Projection, 2, Ct))!.Position.Should().Be(GlobalPosition.Of(700));
        (await store.LoadCheckpoint(Projection, 2, 0, Ct))!.StreamTime.Should().Be(Noon);
        await store.WriteBatch(Batch(2, 800, Doc("item-1", "{}", 800)), Ct);
        (await store.LoadCheckpoint(Projection, 2, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(800));

        // A second start (another host on the same file) finds it converted and changes nothing.
        using var again = new SqliteProjectionStore(path);
        await again.Initialize(Ct);
        (await again.LoadCheckpoint(Projection, 2, Ct))!.Position.Should().Be(GlobalPosition.Of(800));
        await again.BeginGeneration(Projection, 3, 2, [], Ct);
        await again.WriteBatch(Batch(3, 900, Doc("item-1", "{}", 900)) with { Shard = 1 }, Ct);
        (await again.LoadCheckpoint(Projection, 3, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(900));
    }

    private List<string> Query(string sql, int column = 0)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(reader.GetString(column));
        return values;
    }

    private void Execute(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={_files.Path("projections.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private static StoredDocument Doc(string key, string json, ulong position) =>
        new(key, Encoding.UTF8.GetBytes(json), 1, GlobalPosition.Of(position), null, Noon);

    private static ProjectionBatch Batch(int generation, ulong checkpoint, params StoredDocument[] documents) =>
        new(Projection, generation, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), null));

    private static DeadLetter Letter(ulong position) =>
        new(GlobalPosition.Of(position), "item-1", 0, Guid.NewGuid(), "ItemDetected", "{}"u8.ToArray(), ReadOnlyMemory<byte>.Empty, "boom", Noon);

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        _files.Dispose();
        return ValueTask.CompletedTask;
    }
}
