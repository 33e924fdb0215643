namespace Projections.EventStoreDb.Tests.Integration;

[CollectionDefinition(Name)]
public sealed class EventStoreDbCollection : ICollectionFixture<EventStoreDbServer>
{
    public const string Name = "EventStoreDB server";
}
