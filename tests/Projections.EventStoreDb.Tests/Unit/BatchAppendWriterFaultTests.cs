using FluentAssertions;
using Projections.Core.Events;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Operations;
using Projections.Testing;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;

namespace Projections.EventStoreDb.Tests.Unit;

/// <summary>
/// The store's one append loop outlives a fault of its own: every later append of the process goes through
/// it, so a loop that ended would leave them waiting forever. No server needed: nothing listens on the port.
/// </summary>
public sealed class BatchAppendWriterFaultTests
{
    [Fact]
    public async Task A_fault_while_sending_fails_that_pass_with_it_and_the_next_append_is_sent()
    {
        var port = LoopbackPort.Unused();
        await using var connection = new EventStoreDbConnection(ConnectionStringParser.Parse($"esdb://127.0.0.1:{port}?tls=false"), new EventStoreDbOptions());
        await using var writer = new BatchAppendWriter(connection);
        var faults = 1;
        writer.BeforeSend = _ =>
        {
            if (Interlocked.Decrement(ref faults) >= 0) throw new InvalidOperationException("a fault of the client");
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));

        var first = writer.Append(new AppendRequest("fault-1", ExpectedRevision.Any, [Event("A", 0)]), CancellationToken.None);
        var failure = (await first.WaitAsync(deadline.Token).Invoking(t => t).Should().ThrowAsync<EventStoreUnavailableException>()).Which;
        failure.Message.Should().Contain("a fault of the client").And.Contain("outcome of these appends is unknown");

        // Sent this time: the server being down is what it reports, not a loop that stopped taking appends.
        var second = writer.Append(new AppendRequest("fault-2", ExpectedRevision.Any, [Event("A", 1)]), CancellationToken.None);
        var refused = (await second.WaitAsync(deadline.Token).Invoking(t => t).Should().ThrowAsync<EventStoreUnavailableException>()).Which;
        refused.Message.Should().Contain($"127.0.0.1:{port}").And.NotContain("a fault of the client");
    }
}
