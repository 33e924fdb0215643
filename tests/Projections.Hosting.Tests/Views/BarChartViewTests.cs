using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting.Tests.Web.Fakes;
using Projections.Hosting.Views;
using Xunit;

namespace Projections.Hosting.Tests.Views;

/// <summary>AddView's checks: a view's name is its address, names are unique, and its state type must be the projection's.</summary>
public sealed class BarChartViewTests
{
    private static BarChartView<TestItem> StatusView(string name = "statuses") =>
        new(name, "Statuses", TestItemsProjection.ProjectionName, items => items
            .GroupBy(i => i.CurrentStation ?? "none")
            .Select(g => new ChartBar(g.Key, g.Count(i => i.Status == "Active"), g.Where(i => i.Status == "Lost").Select(i => i.Id).ToArray())));

    [Fact]
    public void The_bars_are_what_the_application_computes_from_the_live_states()
    {
        TestItem[] states = [new("item-1", "Active", "S1", [], 1), new("item-2", "Lost", "S1", [], 1), new("item-3", "Active", "S2", [], 1)];

        var bars = StatusView().Compute(new TestItemsProjection(), states);

        bars.Should().BeEquivalentTo(new[] { new ChartBar("S1", 1, ["item-2"]), new ChartBar("S2", 1, []) }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_view_over_another_state_type_says_which_types_differ()
    {
        var view = new BarChartView<string>("words", "Words", TestItemsProjection.ProjectionName, words => []);

        FluentActions.Invoking(() => view.Compute(new TestItemsProjection(), []))
            .Should().Throw<InvalidOperationException>().WithMessage("*String*TestItem*");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("two words")]
    public void A_name_that_is_not_an_address_segment_is_refused(string name) =>
        FluentActions.Invoking(() => StatusView(name)).Should().Throw<ArgumentException>();

    [Fact]
    public void Two_views_with_one_name_are_refused()
    {
        var builder = new ServiceCollection().AddProjections(p => p.AddView(StatusView()));

        FluentActions.Invoking(() => builder.AddView(StatusView())).Should().Throw<ArgumentException>().WithMessage("*'statuses'*already*");
        builder.Registration.Views.Should().ContainSingle();
    }
}
