namespace PlantTracking.Simulation;

/// <summary>What <see cref="PlantSimulator"/> generates. Validate with <see cref="Validate"/> (the simulator does).</summary>
public sealed record PlantSimulatorOptions
{
    /// <summary>Plant time of a seeded run without <see cref="StartTime"/>, so seeded runs are reproducible.</summary>
    public static readonly DateTimeOffset DefaultEpoch = new(2025, 1, 6, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Items in the plant at once; a completed or abandoned item is replaced by a new one.</summary>
    public int Items { get; init; } = 200;
    public int Stations { get; init; } = 12;
    /// <summary>Target append rate; null appends as fast as the store accepts.</summary>
    public double? EventsPerSecond { get; init; } = 500;
    /// <summary>Stop after appending exactly this many events (this run). Null: no limit.</summary>
    public long? TotalEvents { get; init; }
    /// <summary>Stop after this much wall-clock time. Null: no limit.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Events per <c>AppendMany</c> call (at low rates fewer, so appends stay smooth).</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Plant time of the first event. Default: <see cref="DefaultEpoch"/> when seeded, else now; when the store already holds items, after the latest registration.</summary>
    public DateTimeOffset? StartTime { get; init; }
    /// <summary>Seed of the random generator; null for a different run every time.</summary>
    public int? Seed { get; init; }
    /// <summary>Append with <c>ExpectedRevision.Any</c> instead of exact revisions (faster, no concurrency check).</summary>
    public bool AnyRevision { get; init; }

    /// <summary>Per detection: delivered 2-20 minutes (plant time) late.</summary>
    public double LateProbability { get; init; } = 0.02;
    /// <summary>Per detection: delivered after the item's next detection.</summary>
    public double OutOfOrderProbability { get; init; } = 0.03;
    /// <summary>Per detection: delivered a second time (same message id, new event id).</summary>
    public double DuplicateProbability { get; init; } = 0.03;
    /// <summary>Per move: the item skips its next planned station.</summary>
    public double SkipStationProbability { get; init; } = 0.02;
    /// <summary>Per move: the item is first detected at a station outside its plan.</summary>
    public double WrongStationProbability { get; init; } = 0.01;
    /// <summary>Per move: the item stays 1.3-2.5 times the expected dwell.</summary>
    public double OverDwellProbability { get; init; } = 0.05;
    /// <summary>Per move: the rest of the item's plan is replaced.</summary>
    public double PlanChangeProbability { get; init; } = 0.02;
    /// <summary>Per move: someone adds an annotation (and with half this probability edits or removes one).</summary>
    public double AnnotationProbability { get; init; } = 0.03;
    /// <summary>Share of added annotations whose text is <c>&lt;script&gt;alert(1)&lt;/script&gt;</c> (the UI must show it as text).</summary>
    public double ScriptAnnotationProbability { get; init; } = 0.1;
    /// <summary>Per move: the item stops being detected (it will become Lost).</summary>
    public double LostProbability { get; init; } = 0.01;
    /// <summary>Share of lost items that are detected again 15-45 minutes later.</summary>
    public double ReappearProbability { get; init; } = 0.5;

    /// <summary>Range of a planned station's expected dwell.</summary>
    public TimeSpan MinDwell { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan MaxDwell { get; init; } = TimeSpan.FromMinutes(8);
    /// <summary>How often progress is reported at most (wall clock).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws one <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(Items >= 1, nameof(Items), Items, "must be at least 1");
        Require(Stations >= 2, nameof(Stations), Stations, "must be at least 2");
        Require(EventsPerSecond is null or > 0, nameof(EventsPerSecond), EventsPerSecond, "must be positive (or null for unthrottled)");
        Require(TotalEvents is null or > 0, nameof(TotalEvents), TotalEvents, "must be positive (or null for no limit)");
        Require(Duration is null || Duration > TimeSpan.Zero, nameof(Duration), Duration, "must be positive (or null for no limit)");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(MinDwell > TimeSpan.Zero && MaxDwell >= MinDwell, nameof(MinDwell), $"{MinDwell}..{MaxDwell}", "must be positive and not above MaxDwell");
        Require(ProgressInterval >= TimeSpan.Zero, nameof(ProgressInterval), ProgressInterval, "must not be negative");
        Probability(LateProbability, nameof(LateProbability));
        Probability(OutOfOrderProbability, nameof(OutOfOrderProbability));
        Probability(DuplicateProbability, nameof(DuplicateProbability));
        Probability(SkipStationProbability, nameof(SkipStationProbability));
        Probability(WrongStationProbability, nameof(WrongStationProbability));
        Probability(OverDwellProbability, nameof(OverDwellProbability));
        Probability(PlanChangeProbability, nameof(PlanChangeProbability));
        Probability(AnnotationProbability, nameof(AnnotationProbability));
        Probability(ScriptAnnotationProbability, nameof(ScriptAnnotationProbability));
        Probability(LostProbability, nameof(LostProbability));
        Probability(ReappearProbability, nameof(ReappearProbability));
        Require(LateProbability + OutOfOrderProbability <= 1, nameof(LateProbability), LateProbability + OutOfOrderProbability,
            "plus OutOfOrderProbability must not exceed 1");
    }

    private static void Probability(double value, string name) => Require(value is >= 0 and <= 1, name, value, "must be between 0 and 1");

    private static void Require(bool ok, string name, object? value, string rule)
    {
        if (!ok) throw new ArgumentException($"Simulator option {name} {rule} (was {value?.ToString() ?? "null"}).", name);
    }
}
