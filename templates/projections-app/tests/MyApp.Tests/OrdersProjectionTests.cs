using Projections.Core.Testing;

namespace MyApp.Tests;

/// <summary>The projection tested in memory: the same fold as the engine's, no database.</summary>
public sealed class OrdersProjectionTests
{
    private static readonly DateTimeOffset Monday = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_placed_order_is_placed_with_its_total()
    {
        var scenario = new ProjectionScenario(new OrdersProjection())
            .Given("order-1", new OrderPlaced(42.5m, Monday));

        var order = scenario.State<Order>("order-1");
        Assert.Equal("Placed", order.Status);
        Assert.Equal(42.5m, order.Total);
        Assert.Equal("Placed", scenario.Document("order-1").Indexes["status"]);
    }

    [Fact]
    public void An_order_not_shipped_within_two_days_is_late()
    {
        var scenario = new ProjectionScenario(new OrdersProjection())
            .Given("order-1", new OrderPlaced(10m, Monday))
            .AdvanceStreamTime(TimeSpan.FromDays(1));
        Assert.Equal("Placed", scenario.State<Order>("order-1").Status);

        scenario.AdvanceStreamTime(TimeSpan.FromDays(1));
        Assert.Equal("Late", scenario.State<Order>("order-1").Status);
    }

    [Fact]
    public void A_shipped_order_never_becomes_late()
    {
        var scenario = new ProjectionScenario(new OrdersProjection())
            .Given("order-1", new OrderPlaced(10m, Monday))
            .Given("order-1", new OrderShipped(Monday.AddHours(5)))
            .AdvanceStreamTime(TimeSpan.FromDays(7));

        Assert.Equal("Shipped", scenario.State<Order>("order-1").Status);
        Assert.Null(scenario.Document("order-1").TimeoutAt);
    }
}
