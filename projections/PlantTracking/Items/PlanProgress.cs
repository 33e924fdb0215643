namespace PlantTracking.Items;

/// <summary>How far the item is along its plan.</summary>
public sealed record PlanProgress(int TotalSteps, int VisitedSteps, int? NextStepIndex, string? NextExpectedStation)
{
    public static readonly PlanProgress None = new(0, 0, null, null);

    public double PercentComplete => TotalSteps == 0 ? 0 : Math.Round(100.0 * VisitedSteps / TotalSteps, 1);
}

public enum DeviationKind
{
    /// <summary>Detected at a station that is not in the plan.</summary>
    UnexpectedStation,
    /// <summary>A planned station was passed over (or never reached before completion).</summary>
    SkippedStation,
    /// <summary>A planned station was visited after a later one, or visited again after it was passed.</summary>
    OutOfOrder,
    /// <summary>The item stayed longer than the plan's expected dwell.</summary>
    OverDwell,
}

/// <summary>
/// One difference between the plan and the detections. <paramref name="ExpectedStation"/> is the
/// station the plan expected next; the dwell fields are set for <see cref="DeviationKind.OverDwell"/>.
/// </summary>
public sealed record Deviation(
    DeviationKind Kind,
    string Station,
    string? ExpectedStation,
    DateTimeOffset At,
    TimeSpan? Dwell = null,
    TimeSpan? ExpectedDwell = null);
