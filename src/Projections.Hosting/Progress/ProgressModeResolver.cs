using Projections.Hosting.Settings;

namespace Projections.Hosting.Progress;

internal static class ProgressModeResolver
{
    /// <summary>
    /// "auto" draws the live table only on an interactive terminal; redirected output (CI, pipes,
    /// containers without a TTY) gets plain periodic lines that read well in a log.
    /// </summary>
    public static ProgressMode Resolve(ProgressMode requested, bool outputRedirected, bool terminalInteractive) =>
        requested != ProgressMode.Auto ? requested
        : !outputRedirected && terminalInteractive ? ProgressMode.Live
        : ProgressMode.Plain;

    public static TimeSpan DefaultInterval(ProgressMode mode) =>
        mode == ProgressMode.Live ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
}
