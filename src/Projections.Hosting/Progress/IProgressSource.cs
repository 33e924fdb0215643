namespace Projections.Hosting.Progress;

/// <summary>
/// Something an application runs beside the projections (a simulator, an importer) that <c>run</c>
/// shows with them: register it as a singleton <see cref="IProgressSource"/> in the services.
/// </summary>
public interface IProgressSource
{
    /// <summary>Lines printed once when <c>run</c> has started, after where events come from and go to.</summary>
    IEnumerable<string> BannerLines();

    /// <summary>The line to show now, or null for none.</summary>
    ProgressLine? Current();
}

/// <summary>A progress line: "[12:00:00] simulator: 500 ev/s, 1,000 appended".</summary>
public sealed record ProgressLine(string Label, string Text);
