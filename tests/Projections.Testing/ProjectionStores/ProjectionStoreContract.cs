using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

/// <summary>
/// The behaviour every projection store adapter must show. Derive once per adapter; every [Fact] here
/// runs for it. Each test uses its own projection names, so a shared database is fine.
/// </summary>
public abstract partial class ProjectionStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Noon = new(2026, 1, 31, 12, 0, 0, 123, TimeSpan.Zero);

    protected IProjectionStore Store { get; private set; } = null!;

    /// <summary>This test's projection.</summary>
    protected string Projection { get; } = UniqueNames.Projection("orders");

    /// <summary>A new store instance over this test's storage; called at the start and again by <see cref="Restart"/>.</summary>
    protected abstract Task<IProjectionStore> OpenStore();

    /// <summary>Releases the current store instance.</summary>
    protected virtual ValueTask CloseStore(IProjectionStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable: return asyncDisposable.DisposeAsync();
            case IDisposable disposable: disposable.Dispose(); break;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases anything else the derived class created for the test (files, databases).</summary>
    protected virtual ValueTask Cleanup() => ValueTask.CompletedTask;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Store = await OpenStore();
        await Store.Initialize(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseStore(Store);
        await Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>Simulates a process restart: closes the store and opens a new instance over the same storage.</summary>
    protected async Task Restart()
    {
        await CloseStore(Store);
        Store = await OpenStore();
        await Store.Initialize(Ct);
    }

    protected static StoredDocument Document(string key, string json, long version, ulong position, DateTimeOffset? timeoutAt = null) =>
        Document(key, json, version, GlobalPosition.Of(position), timeoutAt);

    protected static StoredDocument Document(string key, string json, long version, GlobalPosition position, DateTimeOffset? timeoutAt = null) =>
        new(key, Encoding.UTF8.GetBytes(json), version, position, timeoutAt, Noon.AddMilliseconds(version));

    protected ProjectionBatch Batch(int generation, ulong checkpoint, params StoredDocument[] documents) =>
        new(Projection, generation, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), Noon.AddSeconds(checkpoint)));

    protected static DeadLetter Letter(ulong position, string reason = "handler threw") => new(
        GlobalPosition.Of(position), $"item-{position}", position % 7, Guid.NewGuid(), "ItemDetected",
        Encoding.UTF8.GetBytes($$"""{"station":"S{{position}}"}"""), Encoding.UTF8.GetBytes("""{"by":"test"}"""), reason, Noon.AddSeconds(position));

    protected async Task<int> EnsureOwnProjection(params string[] indexedFields) =>
        (await Store.EnsureProjection(Projection, indexedFields.Select(f => new IndexDefinition(f)).ToArray(), Ct)).Active;

    protected async Task<StoredDocument> Load(string key, int generation = 1) =>
        (await Store.LoadDocument(Projection, generation, key, Ct)) ?? throw new InvalidOperationException($"Document '{key}' of generation {generation} is missing.");

    /// <summary>Compares every field; the JSON by meaning, since stores may re-serialize it.</summary>
    protected static void ShouldMatch(StoredDocument actual, StoredDocument expected)
    {
        actual.Key.Should().Be(expected.Key);
        JsonNode.DeepEquals(JsonNode.Parse(actual.StateJson.Span), JsonNode.Parse(expected.StateJson.Span))
            .Should().BeTrue($"state of '{expected.Key}' should be {Encoding.UTF8.GetString(expected.StateJson.Span)} but was {Encoding.UTF8.GetString(actual.StateJson.Span)}");
        actual.Version.Should().Be(expected.Version);
        actual.Position.Should().Be(expected.Position);
        actual.TimeoutAt.Should().Be(expected.TimeoutAt);
        actual.UpdatedAt.Should().Be(expected.UpdatedAt);
    }
}
