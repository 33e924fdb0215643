using Projections.Core.Projections;

namespace MyApp;

public sealed record Order(string Id, string Status = "New", decimal Total = 0, DateTimeOffset? PlacedAt = null);

public sealed record OrderPlaced(decimal Total, DateTimeOffset PlacedAt);
public sealed record OrderShipped(DateTimeOffset ShippedAt);

/// <summary>One document per order stream ("order-..."): placed, shipped, or late when not shipped within two days.</summary>
public sealed class OrdersProjection : Projection<Order>
{
    public static readonly TimeSpan ShipWithin = TimeSpan.FromDays(2);

    public OrdersProjection() : base("orders")
    {
        FromStreams("order-");                                      // only these streams are read
        Initially(key => new Order(key));                           // key = stream id
        EventTimeFrom<OrderPlaced>(e => e.PlacedAt);                // stream time = business time
        EventTimeFrom<OrderShipped>(e => e.ShippedAt);
        On<OrderPlaced>((order, e, ctx) =>
        {
            ctx.ScheduleTimeout(ShipWithin);                        // fires on stream time, not wall time
            return order with { Status = "Placed", Total = e.Total, PlacedAt = e.PlacedAt };
        });
        On<OrderShipped>((order, _, ctx) =>
        {
            ctx.CancelTimeout();
            return order with { Status = "Shipped" };
        });
        OnTimeout((order, _) => order with { Status = "Late" });
        Index("status", order => order.Status);                     // store index + dashboard filter
    }
}
