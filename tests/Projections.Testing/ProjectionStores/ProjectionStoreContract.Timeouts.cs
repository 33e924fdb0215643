using FluentAssertions;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

public abstract partial class ProjectionStoreContract
{
    [Fact]
    public async Task Stored_deadlines_page_in_deadline_then_key_order_and_skip_documents_without_one()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 9,
            Document("d", "{}", 1, 1, Noon.AddMinutes(2)),
            Document("b", "{}", 1, 2, Noon.AddMinutes(1)),
            Document("none", "{}", 1, 3),
            Document("a", "{}", 1, 4, Noon.AddMinutes(1)),
            Document("c", "{}", 1, 5, Noon.AddMinutes(1)),
            Document("e", "{}", 1, 6, Noon.AddMinutes(3))), Ct);

        var first = await Store.LoadTimeouts(Projection, 1, null, 2, Ct);
        var second = await Store.LoadTimeouts(Projection, 1, first[^1], 2, Ct);
        var rest = await Store.LoadTimeouts(Projection, 1, second[^1], 10, Ct);

        first.Concat(second).Concat(rest).Should().Equal(
            new StoredTimeout("a", Noon.AddMinutes(1)), new StoredTimeout("b", Noon.AddMinutes(1)),
            new StoredTimeout("c", Noon.AddMinutes(1)), new StoredTimeout("d", Noon.AddMinutes(2)),
            new StoredTimeout("e", Noon.AddMinutes(3)));
        (await Store.LoadTimeouts(Projection, 1, rest[^1], 10, Ct)).Should().BeEmpty();
    }
}
