using System.Text;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

public abstract partial class ProjectionStoreContract
{
    [Fact]
    public async Task A_new_projection_starts_with_an_empty_active_generation_one()
    {
        var generations = await Store.EnsureProjection(Projection, [new IndexDefinition("status")], Ct);

        generations.Should().Be(new ProjectionGenerations(1, null));
        (await Store.LoadCheckpoint(Projection, 1, Ct)).Should().BeNull();
        (await Store.LoadDocument(Projection, 1, "nobody", Ct)).Should().BeNull();
        (await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct)).Should().BeEmpty();
        (await Store.CountDeadLetters(Projection, 1, Ct)).Should().Be(0);
    }

    [Fact]
    public async Task Ensuring_again_with_more_indexes_keeps_the_generation_and_its_documents()
    {
        await EnsureOwnProjection("status");
        await Store.WriteBatch(Batch(1, 5, Document("a", """{"status":"Active","station":"S1"}""", 1, 5)), Ct);

        var again = await Store.EnsureProjection(Projection, [new IndexDefinition("status"), new IndexDefinition("station")], Ct);

        again.Should().Be(new ProjectionGenerations(1, null));
        (await Load("a")).Version.Should().Be(1);
    }

    [Fact]
    public async Task A_written_batch_reads_back_with_its_checkpoint()
    {
        await EnsureOwnProjection();
        var a = Document("a", """{"status":"Active","count":2}""", 2, 10, Noon.AddMinutes(10));
        var b = Document("b", """{"status":"Lost","tags":["x","y"],"nested":{"n":1.5}}""", 1, 12);

        await Store.WriteBatch(Batch(1, 12, a, b), Ct);

        ShouldMatch(await Load("a"), a);
        ShouldMatch(await Load("b"), b);
        (await Store.LoadCheckpoint(Projection, 1, Ct)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(12), Noon.AddSeconds(12)));
    }

    [Fact]
    public async Task A_batch_without_documents_still_moves_the_checkpoint()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 10, Document("a", "{}", 1, 10)), Ct);

        await Store.WriteBatch(Batch(1, 500), Ct);

        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(500));
    }

    [Fact]
    public async Task Documents_and_checkpoint_survive_a_restart()
    {
        await EnsureOwnProjection("status");
        var documents = Enumerable.Range(0, 50).Select(i => Document($"item-{i:D3}", $$"""{"n":{{i}}}""", i + 1, (ulong)(100 + i))).ToArray();
        await Store.WriteBatch(Batch(1, 149, documents), Ct);

        await Restart();

        (await Store.EnsureProjection(Projection, [new IndexDefinition("status")], Ct)).Should().Be(new ProjectionGenerations(1, null));
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(149));
        var loaded = await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct);
        loaded.Should().HaveCount(50);
        foreach (var expected in documents) ShouldMatch(loaded.Single(d => d.Key == expected.Key), expected);
    }

    [Fact]
    public async Task An_older_write_never_replaces_a_newer_document()
    {
        await EnsureOwnProjection();
        var newer = Document("a", """{"status":"Completed"}""", 3, 10);
        await Store.WriteBatch(Batch(1, 10, newer), Ct);

        await Store.WriteBatch(Batch(1, 10, Document("a", """{"status":"Active"}""", 2, 5)), Ct);

        ShouldMatch(await Load("a"), newer);
    }

    [Fact]
    public async Task A_later_write_replaces_the_document()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 10, Document("a", """{"status":"Active"}""", 1, 10, Noon)), Ct);
        var later = Document("a", """{"status":"Lost"}""", 2, 20);

        await Store.WriteBatch(Batch(1, 20, later), Ct);

        ShouldMatch(await Load("a"), later);
        (await Load("a")).TimeoutAt.Should().BeNull("a write without a deadline clears the stored one");
    }

    [Fact]
    public async Task The_version_guard_orders_positions_by_commit_then_prepare()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 100, Document("a", """{"v":1}""", 1, new GlobalPosition(100, 90))), Ct);

        await Store.WriteBatch(Batch(1, 100, Document("a", """{"v":0}""", 0, new GlobalPosition(100, 80))), Ct);
        (await Load("a")).Version.Should().Be(1);
        await Store.WriteBatch(Batch(1, 100, Document("a", """{"v":0}""", 0, new GlobalPosition(99, 95))), Ct);
        (await Load("a")).Version.Should().Be(1);

        var winner = Document("a", """{"v":2}""", 2, new GlobalPosition(100, 95));
        await Store.WriteBatch(Batch(1, 100, winner), Ct);
        ShouldMatch(await Load("a"), winner);
    }

    [Fact]
    public async Task A_timeout_at_the_same_position_with_a_higher_version_replaces_the_document()
    {
        // A timeout changes the state without a new event: same position, next version.
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 10, Document("a", """{"status":"Active"}""", 4, 10, Noon)), Ct);
        var timedOut = Document("a", """{"status":"Lost"}""", 5, 10);

        await Store.WriteBatch(Batch(1, 10, timedOut), Ct);
        ShouldMatch(await Load("a"), timedOut);

        await Store.WriteBatch(Batch(1, 10, Document("a", """{"status":"Active"}""", 4, 10, Noon)), Ct);
        ShouldMatch(await Load("a"), timedOut);
    }

    [Fact]
    public async Task Ten_thousand_documents_are_written_in_one_batch()
    {
        await EnsureOwnProjection("status");
        var documents = Enumerable.Range(0, 10_000)
            .Select(i => Document($"item-{i:D5}", $$"""{"status":"{{(i % 3 == 0 ? "Lost" : "Active")}}","station":"S{{i % 40}}","detections":{{i}}}""", 1, (ulong)(i + 1)))
            .ToArray();

        await Store.WriteBatch(Batch(1, 10_000, documents), Ct);

        var loaded = await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct);
        loaded.Select(d => d.Key).Should().BeEquivalentTo(documents.Select(d => d.Key));
        ShouldMatch(loaded.Single(d => d.Key == "item-04711"), documents[4711]);
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10_000));
    }

    [Fact]
    public async Task Restarting_from_the_checkpoint_and_replaying_leaves_the_newest_documents()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 20, Document("a", """{"n":1}""", 1, 10), Document("b", """{"n":1}""", 1, 20)), Ct);
        var newestA = Document("a", """{"n":2}""", 2, 30);
        var c = Document("c", """{"n":1}""", 1, 40);
        await Store.WriteBatch(Batch(1, 40, newestA, c), Ct);

        await Restart();
        // At-least-once delivery: after a crash the engine replays from an older checkpoint and writes
        // states it had already persisted, some of them older than what the store holds.
        await Store.WriteBatch(Batch(1, 40, newestA, c), Ct);
        await Store.WriteBatch(Batch(1, 40, Document("a", """{"n":1}""", 1, 10)), Ct);

        var loaded = await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct);
        loaded.Select(d => d.Key).Should().BeEquivalentTo("a", "b", "c");
        ShouldMatch(loaded.Single(d => d.Key == "a"), newestA);
        ShouldMatch(loaded.Single(d => d.Key == "c"), c);
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(40));
    }

    [Fact]
    public async Task The_engine_may_reuse_the_state_bytes_once_the_write_returned()
    {
        await EnsureOwnProjection();
        // The flusher serializes a flush into one buffer and reuses it for the next (IProjectionStore.WriteBatch).
        var buffer = Encoding.UTF8.GetBytes("""{"status":"Active","n":1}{"status":"Lost","n":22}""");
        var a = new StoredDocument("a", buffer.AsMemory(0, 25), 1, GlobalPosition.Of(5), null, Noon);
        var b = new StoredDocument("b", buffer.AsMemory(25), 1, GlobalPosition.Of(6), null, Noon);
        var expectedA = a with { StateJson = a.StateJson.ToArray() };
        var expectedB = b with { StateJson = b.StateJson.ToArray() };

        await Store.WriteBatch(Batch(1, 6, a, b), Ct);
        Encoding.UTF8.GetBytes("""{"status":"XXXXXX","n":9}{"status":"YYYY","n":99}""").CopyTo(buffer, 0);

        ShouldMatch(await Load("a"), expectedA);
        ShouldMatch(await Load("b"), expectedB);
        (await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Unicode_and_odd_keys_and_states_round_trip()
    {
        await EnsureOwnProjection();
        string[] keys = ["ключ-1", "键/2", "emoji-😀", "with space", "quote'\"", "a.b$c", "back\\slash", "%_wild*", new string('k', 400)];
        var documents = keys.Select((key, i) => Document(key, $$"""{"name":"Ünïcødé ✓ {{i}}","note":"line\nbreak \"quoted\""}""", 1, (ulong)(i + 1))).ToArray();

        await Store.WriteBatch(Batch(1, (ulong)keys.Length, documents), Ct);

        foreach (var expected in documents) ShouldMatch(await Load(expected.Key), expected);
        (await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct)).Select(d => d.Key).Should().BeEquivalentTo(keys);
    }

    [Fact]
    public async Task Projections_whose_names_differ_only_in_punctuation_or_case_stay_apart()
    {
        var stem = UniqueNames.Suffix();
        string[] names = [$"plant-items-{stem}", $"plant_items_{stem}", $"Plant Items {stem}", $"plant.items.{stem}"];
        for (var i = 0; i < names.Length; i++)
        {
            await Store.EnsureProjection(names[i], [new IndexDefinition("status")], Ct);
            await Store.WriteBatch(new ProjectionBatch(names[i], 1, [Document("same-key", $$"""{"owner":{{i}}}""", i + 1, (ulong)(i + 1))], [],
                new ProjectionCheckpoint(GlobalPosition.Of((ulong)(i + 1)), null)), Ct);
        }

        for (var i = 0; i < names.Length; i++)
        {
            (await Store.LoadDocument(names[i], 1, "same-key", Ct))!.Version.Should().Be(i + 1);
            (await Store.LoadCheckpoint(names[i], 1, Ct)).Should().Be(new ProjectionCheckpoint(GlobalPosition.Of((ulong)(i + 1)), null));
        }
    }
}
