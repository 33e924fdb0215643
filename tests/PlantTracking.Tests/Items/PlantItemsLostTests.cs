using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Tests.Support;
using Projections.Core.Projections;
using static PlantTracking.Tests.Support.Plant;

namespace PlantTracking.Tests.Items;

public sealed class PlantItemsLostTests
{
    private const string Stream = "item-1";
    private readonly Harness _h = new(new PlantItemsProjection());

    private PlantItem SeenAtA(double minutes) => _h.Apply(_h.Initial<PlantItem>(Stream), Stream, Seen("A", minutes)).State;

    [Fact]
    public void The_timeout_marks_an_active_item_lost_at_the_deadline()
    {
        var (item, _) = _h.Timeout(SeenAtA(1), Stream, At(11));

        item.Status.Should().Be(ItemStatus.Lost);
        item.LostSince.Should().Be(At(11));
        item.TimesLost.Should().Be(1);
    }

    [Fact]
    public void A_lost_item_seen_again_is_active_and_watched_again()
    {
        var lost = _h.Timeout(SeenAtA(1), Stream, At(11)).State;

        var (item, ctx) = _h.Apply(lost, Stream, Seen("B", 30, "A"));

        item.Status.Should().Be(ItemStatus.Active);
        item.LostSince.Should().BeNull();
        item.TimesLost.Should().Be(1);
        item.CurrentStation.Should().Be("B");
        ctx.ScheduledDeadline().Should().Be(At(40));
    }

    [Fact]
    public void A_deadline_older_than_the_last_sighting_allows_is_moved_instead_of_losing_the_item()
    {
        var item = _h.Apply(SeenAtA(1), Stream, Seen("B", 8, "A")).State;

        var (after, ctx) = _h.Timeout(item, Stream, At(11));

        after.Status.Should().Be(ItemStatus.Active);
        ctx.ScheduledDeadline().Should().Be(At(18));
    }

    [Fact]
    public void A_timeout_does_not_touch_a_completed_item()
    {
        var completed = _h.Apply(SeenAtA(1), Stream, new ItemCompleted("1", "A", At(2))).State;

        _h.Timeout(completed, Stream, At(12)).State.Should().BeSameAs(completed);
    }

    [Fact]
    public void Lost_after_is_configurable_through_the_constructor()
    {
        var h = new Harness(new PlantItemsProjection(lostAfter: TimeSpan.FromMinutes(3)));

        var (_, ctx) = h.Apply(h.Initial<PlantItem>(Stream), Stream, Seen("A", 1));

        ctx.ScheduledDeadline().Should().Be(At(4));
    }

    [Theory]
    [InlineData(0, 256, "lostAfter")]
    [InlineData(10, 0, "detectionHistoryLimit")]
    public void Invalid_constructor_arguments_are_rejected_by_name(int lostAfterMinutes, int historyLimit, string parameter)
    {
        var create = () => new PlantItemsProjection(TimeSpan.FromMinutes(lostAfterMinutes), historyLimit);

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }
}
