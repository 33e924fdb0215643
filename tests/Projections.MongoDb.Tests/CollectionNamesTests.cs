using FluentAssertions;
using Projections.Core.Events;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class CollectionNamesTests
{
    [Theory]
    [InlineData("plant-items", 1, "plant-items.g1")]
    [InlineData("station-load", 12, "station-load.g12")]
    [InlineData("_checkpoints", 1, "_checkpoints.g1")]
    public void Each_generation_has_its_own_collection(string projection, int generation, string expected)
    {
        CollectionNames.Documents("projections", projection, generation).Should().Be(expected);
    }

    [Fact]
    public void Store_collections_never_look_like_a_generation_collection()
    {
        foreach (var name in new[] { CollectionNames.Generations, CollectionNames.Checkpoints, CollectionNames.DeadLetters })
            name.Should().StartWith("_").And.NotMatchRegex(@"\.g\d+$");
    }

    [Fact]
    public void Checkpoint_and_dead_letter_ids_name_the_generation_shard_and_position()
    {
        CollectionNames.CheckpointId("plant-items.g1", 0).Should().Be("plant-items.g1", "checkpoints written before shards are shard 0's as they stand");
        CollectionNames.CheckpointId("plant-items.g1", 2).Should().Be("plant-items.g1#2");
        FluentActions.Invoking(() => CollectionNames.CheckpointId("plant-items.g1", -1)).Should().Throw<ArgumentOutOfRangeException>();
        CollectionNames.DeadLetterId("plant-items.g1", new GlobalPosition(42, 40)).Should().Be("plant-items.g1@42/40");
        CollectionNames.DeadLetterId("plant-items.g1", GlobalPosition.Of(42)).Should().Be("plant-items.g1@42");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("cost$", "'$'")]
    [InlineData("system.views", "'system.'")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("plant.system.items", "'.system.'")]
    [InlineData("plant.", "ends with '.'")]
    public void Names_mongo_cannot_hold_are_refused_with_the_reason(string projection, string reason)
    {
        var act = () => CollectionNames.Documents("projections", projection, 1);

        act.Should().Throw<ArgumentException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void Too_long_a_namespace_is_refused()
    {
        var act = () => CollectionNames.Documents("projections", new string('p', 250), 1);

        act.Should().Throw<ArgumentException>().WithMessage("*too long*255 bytes*");
    }

    [Fact]
    public void A_name_that_fits_only_the_first_generations_is_refused_at_once()
    {
        // "projections." + name + ".g1" is 255 bytes: generation 1 fits, generation 10 would not.
        var name = new string('p', 255 - "projections.".Length - ".g1".Length);

        var act = () => CollectionNames.Documents("projections", name, 1);

        act.Should().Throw<ArgumentException>().WithMessage("*too long*255 bytes*");
    }

    [Fact]
    public void Generations_start_at_one()
    {
        var act = () => CollectionNames.Documents("projections", "plant-items", 0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*numbered from 1*");
    }
}
