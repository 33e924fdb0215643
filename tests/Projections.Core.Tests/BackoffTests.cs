using FluentAssertions;
using Projections.Core.Resilience;

namespace Projections.Core.Tests;

/// <summary>The one backoff policy shared by the engine's store retries, the MongoDB store and the EventStoreDB client.</summary>
public sealed class BackoffTests
{
    [Fact]
    public void Backoff_doubles_up_to_the_maximum_and_resets_after_progress()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(350));

        backoff.Next().Should().Be(TimeSpan.FromMilliseconds(100));
        backoff.Next().Should().Be(TimeSpan.FromMilliseconds(200));
        backoff.Next().Should().Be(TimeSpan.FromMilliseconds(350));
        backoff.Next().Should().Be(TimeSpan.FromMilliseconds(350));
        backoff.Attempts.Should().Be(4);
        backoff.Reset();
        backoff.Next().Should().Be(TimeSpan.FromMilliseconds(100));
        backoff.Attempts.Should().Be(1);
    }

    [Fact]
    public void A_maximum_below_the_first_delay_is_refused()
    {
        var create = () => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));

        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("max");
    }
}
