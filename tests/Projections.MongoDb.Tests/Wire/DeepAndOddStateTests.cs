using System.Text;
using FluentAssertions;
using Projections.Core.Ports;
using Xunit;
using static Projections.MongoDb.Tests.Wire.WireFixtures;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>
/// Issue 13, point 5: the guarded update puts the state 6 levels deep in the statement the driver
/// encodes, and the driver's BSON writer stops at 100 levels; a lone surrogate cannot become UTF-8.
/// Either must be refused naming the aggregate, never escape as a raw exception from inside the driver.
/// </summary>
public sealed class DeepAndOddStateTests
{
    // The BSON writer's limit of 100 levels, less the 6 levels of the update statement around the state.
    private const int Deepest = 100 - 6;

    /// <summary>A JSON object nested <paramref name="depth"/> levels deep, the root object counting as 1.</summary>
    internal static string Nested(int depth) => new StringBuilder().Insert(0, "{\"a\":", depth - 1).Append("{}").Append('}', depth - 1).ToString();

    private static ProjectionBatch BatchOf(params StoredDocument[] documents) =>
        new("plant-items", 1, documents, [], new ProjectionCheckpoint(Core.Events.GlobalPosition.Of(9), null));

    [Fact(Timeout = 60_000)]
    public async Task The_deepest_state_the_store_accepts_goes_through_the_driver()
    {
        await using var server = new ScriptedMongoServer(_ => null);
        using var store = Store(server);

        await store.WriteBatch(BatchOf(Item("item-deep", Nested(Deepest))), TestContext.Current.CancellationToken);

        server.Commands.Should().Contain(c => IsUpdateOf(c, Documents) && Ids(c).Contains("item-deep"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(95)]
    [InlineData(100)]
    public async Task A_state_too_deep_for_the_update_is_refused_naming_the_aggregate(int depth)
    {
        await using var server = new ScriptedMongoServer(_ => null);
        using var store = Store(server);

        var act = () => store.WriteBatch(BatchOf(Item("item-ok", "{}"), Item("item-deep", Nested(depth))), TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Key.Should().Be("item-deep");
        server.Commands.Should().NotContain(c => IsUpdateOf(c, Documents));
    }

    [Theory]
    [InlineData("""{"name":"\ud800"}""", "name")]
    [InlineData("""{"tags":["ok","x\udc00y"]}""", "tags[1]")]
    [InlineData("""{"a\ud800":1}""", "")]
    public void A_lone_surrogate_is_refused_naming_the_aggregate_and_field(string json, string field)
    {
        var act = () => DocumentMapping.ToBson(Item("item-odd", json));

        act.Should().Throw<ProjectionStoreWriteException>().Where(e => e.Key == "item-odd")
            .WithMessage($"*'item-odd'*{field}*surrogate*");
    }
}
