using FluentAssertions;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class BulkTriageTests
{
    [Fact]
    public void Interrupted_writes_retry_only_those_documents()
    {
        var triage = BulkTriage.Of([new WriteFailure(4, 11602, "InterruptedDueToReplStateChange"), new WriteFailure(1, 11602, "InterruptedDueToReplStateChange")], null);

        triage.Kind.Should().Be(BulkTriageKind.RetrySome);
        triage.RetryIndices.Should().Equal(1, 4);
    }

    [Fact]
    public void A_refused_document_fails_the_batch_and_is_named_even_beside_retryable_ones()
    {
        var triage = BulkTriage.Of([new WriteFailure(0, 11602, "interrupted"), new WriteFailure(2, 121, "Document failed validation")], null);

        triage.Kind.Should().Be(BulkTriageKind.Fail);
        triage.Failure.Should().Be(new WriteFailure(2, 121, "Document failed validation"));
    }

    [Fact]
    public void A_duplicate_key_fails_the_batch_naming_the_document()
    {
        var triage = BulkTriage.Of([new WriteFailure(3, 11000, "E11000 duplicate key error collection: projections.plant-items.g1 index: sku_1")], null);

        triage.Kind.Should().Be(BulkTriageKind.Fail);
        triage.Failure!.Value.Index.Should().Be(3);
    }

    [Fact]
    public void A_duplicate_key_on_id_is_the_upsert_race_and_is_written_again()
    {
        var triage = BulkTriage.Of([new WriteFailure(1, 11000, "E11000 duplicate key error collection: projections.plant-items.g1 index: _id_ dup key: { _id: \"item-1\" }")], null);

        triage.Kind.Should().Be(BulkTriageKind.RetrySome);
        triage.RetryIndices.Should().Equal(1);
    }

    [Fact]
    public void A_write_concern_timeout_rewrites_everything()
    {
        var triage = BulkTriage.Of([], (64, "waiting for replication timed out"));

        triage.Kind.Should().Be(BulkTriageKind.RetryAll);
    }

    [Fact]
    public void An_unsatisfiable_write_concern_fails()
    {
        var triage = BulkTriage.Of([], (100, "Not enough data-bearing nodes"));

        triage.Kind.Should().Be(BulkTriageKind.Fail);
        triage.WriteConcernMessage.Should().Contain("Not enough data-bearing nodes").And.Contain("code 100");
    }
}
