using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace Projections.Sqlite.Tests;

/// <summary>The shared wait helper must fail loudly, or every test built on it could pass without its condition.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task A_condition_that_never_holds_fails_naming_what_was_awaited()
    {
        var wait = () => Eventually.Until(() => false, TimeSpan.FromMilliseconds(50), "the moon turning blue", TestContext.Current.CancellationToken);

        (await wait.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain("the moon turning blue");
    }

    [Fact]
    public async Task A_condition_that_becomes_true_ends_the_wait()
    {
        var calls = 0;

        await Eventually.Until(() => Task.FromResult(++calls >= 3), TimeSpan.FromSeconds(10), "third call", TestContext.Current.CancellationToken);

        calls.Should().Be(3);
    }
}
