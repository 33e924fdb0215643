using FluentAssertions;
using Xunit;
using Projections.Hosting.Settings;
using Projections.Hosting.Progress;

namespace Projections.Hosting.Tests.Progress;

public sealed class ProgressModeResolverTests
{
    [Theory]
    [InlineData(false, true, ProgressMode.Live)]
    [InlineData(true, true, ProgressMode.Plain)]
    [InlineData(false, false, ProgressMode.Plain)]
    public void Auto_draws_the_live_table_only_on_an_interactive_terminal(bool redirected, bool interactive, ProgressMode expected) =>
        ProgressModeResolver.Resolve(ProgressMode.Auto, redirected, interactive).Should().Be(expected);

    [Theory]
    [InlineData(ProgressMode.Live)]
    [InlineData(ProgressMode.Plain)]
    [InlineData(ProgressMode.Off)]
    public void An_explicit_mode_is_kept(ProgressMode mode) =>
        ProgressModeResolver.Resolve(mode, outputRedirected: true, terminalInteractive: false).Should().Be(mode);
}
