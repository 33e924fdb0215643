using FluentAssertions;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

public abstract partial class ProjectionStoreContract
{
    [Fact]
    public async Task A_preview_is_recorded_with_the_rebuild_survives_a_restart_and_the_switch_clears_it()
    {
        // Hosts read the mark to know that nobody activates the preview but an explicit switch (design.md "Preview generations").
        await EnsureOwnProjection("status");
        await Store.BeginPreview(Projection, 2, [new IndexDefinition("status")], Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(1, 2, Preview: true));

        await Restart();
        (await Store.EnsureProjection(Projection, [new IndexDefinition("status")], Ct)).Should().Be(new ProjectionGenerations(1, 2, Preview: true));
        await Store.WriteBatch(Batch(2, 7, Document("a", "{}", 1, 7)), Ct);

        await Store.ActivateGeneration(Projection, 2, Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(2, null));
    }

    [Fact]
    public async Task Dropping_a_preview_clears_it_and_a_plain_rebuild_after_it_is_no_preview()
    {
        await EnsureOwnProjection();
        await Store.BeginPreview(Projection, 2, [], Ct);

        await Store.DropGeneration(Projection, 2, Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(1, null));

        await Store.BeginGeneration(Projection, 2, [], Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(1, 2, Preview: false));
    }
}
