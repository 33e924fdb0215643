using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(3, TimeSpan.Zero, TimeSpan.Zero, "MongoDB db1:27017/projections", NullLogger.Instance);

    [Fact]
    public async Task Transient_failures_are_retried_until_the_operation_succeeds()
    {
        var calls = 0;

        var result = await Policy.Run("write a batch", _ =>
        {
            calls++;
            if (calls < 3) throw ErrorClassificationTests.CommandError(189, "PrimarySteppedDown");
            return Task.FromResult(42);
        }, TestContext.Current.CancellationToken);

        result.Should().Be(42);
        calls.Should().Be(3);
    }

    [Fact]
    public async Task When_attempts_run_out_the_store_is_reported_unavailable()
    {
        var calls = 0;

        var act = () => Policy.Run<int>("write a batch", _ =>
        {
            calls++;
            throw new MongoConnectionException(ErrorClassificationTests.Connection, "connection refused");
        }, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<ProjectionStoreUnavailableException>())
            .WithMessage("MongoDB db1:27017/projections could not write a batch after 3 attempt(s): connection refused*");
        calls.Should().Be(3);
    }

    [Fact]
    public async Task A_permanent_write_failure_is_not_retried_and_names_the_operation()
    {
        var calls = 0;

        var act = () => Policy.Run<int>("write a batch to 'plant-items.g1'", _ =>
        {
            calls++;
            throw ErrorClassificationTests.CommandError(13, "Unauthorized");
        }, TestContext.Current.CancellationToken, isWrite: true);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).WithMessage("*refused to write a batch to 'plant-items.g1'*Unauthorized*");
        calls.Should().Be(1);
    }

    [Fact]
    public async Task The_store_own_write_errors_pass_through_unchanged()
    {
        var refused = new ProjectionStoreWriteException("MongoDB refused the document of aggregate 'item-1'", "item-1");

        var act = () => Policy.Run<int>("write a batch", _ => throw refused, TestContext.Current.CancellationToken, isWrite: true);

        (await act.Should().ThrowAsync<ProjectionStoreWriteException>()).Which.Should().BeSameAs(refused);
    }
}
