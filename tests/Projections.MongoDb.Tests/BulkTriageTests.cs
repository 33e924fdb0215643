using FluentAssertions;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class BulkTriageTests
{
    [Fact]
    public void Duplicate_key_races_retry_only_the_documents_that_lost_the_race()
    {
        var triage = BulkTriage.Of([new WriteFailure(4, 11000, "E11000 duplicate key"), new WriteFailure(1, 11000, "E11000 duplicate key")], null);

        triage.Kind.Should().Be(BulkTriageKind.RetrySome);
        triage.RetryIndices.Should().Equal(1, 4);
    }

    [Fact]
    public void A_refused_document_fails_the_batch_and_is_named_even_beside_retryable_ones()
    {
        var triage = BulkTriage.Of([new WriteFailure(0, 11000, "dup"), new WriteFailure(2, 121, "Document failed validation")], null);

        triage.Kind.Should().Be(BulkTriageKind.Fail);
        triage.Failure.Should().Be(new WriteFailure(2, 121, "Document failed validation"));
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
