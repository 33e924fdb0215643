using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Tests.Support;
using Projections.Core.Projections;
using static PlantTracking.Tests.Support.Plant;

namespace PlantTracking.Tests.Items;

public sealed class PlantItemsAnnotationTests
{
    private const string Stream = "item-1";
    private readonly Harness _h = new(new PlantItemsProjection());

    private PlantItem Apply<T>(PlantItem item, T e) => _h.Apply(item, Stream, e).State;
    private PlantItem Empty => _h.Initial<PlantItem>(Stream);

    [Fact]
    public void Added_annotations_keep_their_text_verbatim_including_markup()
    {
        var item = Apply(Empty, new AnnotationAdded("1", "n1", "ana", "<script>alert(1)</script>", At(1)));

        item.Annotations.Should().ContainSingle().Which.Should().Be(
            new Annotation("n1", "ana", "<script>alert(1)</script>", At(1), At(1), null));
    }

    [Fact]
    public void An_edit_replaces_the_text_and_records_who_edited()
    {
        var item = Apply(Apply(Empty, new AnnotationAdded("1", "n1", "ana", "first", At(1))),
            new AnnotationEdited("1", "n1", "ben", "second", At(2)));

        item.Annotations.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { Id = "n1", Author = "ana", Text = "second", CreatedAt = At(1), UpdatedAt = At(2), EditedBy = "ben" });
    }

    [Fact]
    public void An_edit_older_than_the_current_text_is_ignored()
    {
        var edited = Apply(Apply(Empty, new AnnotationAdded("1", "n1", "ana", "first", At(1))),
            new AnnotationEdited("1", "n1", "ben", "newest", At(5)));

        Apply(edited, new AnnotationEdited("1", "n1", "dora", "stale", At(3))).Should().BeSameAs(edited);
    }

    [Fact]
    public void An_edit_of_an_unknown_annotation_adds_it_so_the_text_is_not_lost()
    {
        var item = Apply(Empty, new AnnotationEdited("1", "n9", "ben", "text", At(2)));

        item.Annotations.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Id = "n9", Text = "text", EditedBy = "ben" });
    }

    [Fact]
    public void Removal_deletes_only_that_annotation_and_is_idempotent()
    {
        var item = Apply(Apply(Empty, new AnnotationAdded("1", "n1", "ana", "one", At(1))),
            new AnnotationAdded("1", "n2", "ana", "two", At(2)));

        var removed = Apply(item, new AnnotationRemoved("1", "n1", "ben", At(3)));
        var again = Apply(removed, new AnnotationRemoved("1", "n1", "ben", At(3)));

        removed.Annotations.Select(a => a.Id).Should().Equal("n2");
        again.Should().BeSameAs(removed);
    }

    [Fact]
    public void The_same_add_delivered_twice_leaves_one_annotation()
    {
        var added = new AnnotationAdded("1", "n1", "ana", "one", At(1));
        var once = Apply(Empty, added);

        Apply(once, added).Should().BeSameAs(once);
    }
}
