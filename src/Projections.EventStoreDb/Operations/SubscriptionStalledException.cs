namespace Projections.EventStoreDb.Operations;

/// <summary>
/// A live subscription that stays silent while the server holds a matching event after its last position
/// (<see cref="EventStoreDbOptions.LiveStallTimeout"/>): the call is dropped and the subscription catches up
/// again from where it was, at once, like after a drop for falling behind.
/// </summary>
internal sealed class SubscriptionStalledException(string message) : Exception(message);
