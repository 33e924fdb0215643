using PlantTracking.Simulation;
using Projections.Core.Ports;
using static Projections.Hosting.Progress.ProgressFormat;

namespace PlantTracking.App.Simulation;

/// <summary>
/// Runs the plant simulator against an event store and keeps what the progress display needs: events
/// appended, the current append rate, and whether it runs or failed. A failure is kept and logged; it
/// never takes the host down (the projections keep serving).
/// </summary>
public sealed class SimulatorRunner(IEventStore store, SimulatorSettings settings, TimeProvider time, ILogger<SimulatorRunner> logger)
{
    private readonly Lock _gate = new();
    private SimulationProgress? _latest;
    private (long Appended, long Timestamp) _previousSample;
    private double _rate;
    private bool _running;
    private string? _error;

    public static PlantSimulatorOptions ToOptions(SimulatorSettings settings) => new()
    {
        Items = settings.Items,
        Stations = settings.Stations,
        EventsPerSecond = settings.Rate,
        Duration = settings.Duration,
        TotalEvents = settings.TotalEvents,
        Seed = settings.Seed,
    };

    /// <summary>Appends until the duration or event count is reached or <paramref name="cancellationToken"/> fires. Returns the final counts, or null when it failed.</summary>
    public async Task<SimulationProgress?> RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _running = true;
        try
        {
            var simulator = new PlantSimulator(store, ToOptions(settings), time);
            var final = await simulator.RunAsync(new Reporter(this), cancellationToken);
            logger.LogInformation("Simulator stopped after appending {Events} events ({Items} items started, {Completed} completed)",
                final.EventsAppended, final.ItemsStarted, final.ItemsCompleted);
            return final;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Latest;
        }
        catch (Exception e)
        {
            lock (_gate) _error = e.Message;
            logger.LogError(e, "Simulator failed: {Message}", e.Message);
            return null;
        }
        finally
        {
            lock (_gate) _running = false;
        }
    }

    public SimulationProgress? Latest
    {
        get { lock (_gate) return _latest; }
    }

    /// <summary>Progress for the display; the rate is measured between two calls (the simulator's own figure is a run average).</summary>
    public SimulatorProgress Progress()
    {
        lock (_gate)
        {
            var appended = _latest?.EventsAppended ?? 0;
            var now = time.GetTimestamp();
            var elapsed = _previousSample.Timestamp == 0 ? TimeSpan.Zero : time.GetElapsedTime(_previousSample.Timestamp, now);
            if (elapsed > TimeSpan.FromMilliseconds(200))
            {
                _rate = (appended - _previousSample.Appended) / elapsed.TotalSeconds;
                _previousSample = (appended, now);
            }
            else if (_previousSample.Timestamp == 0)
            {
                _previousSample = (appended, now);
            }
            return new SimulatorProgress(appended, _running ? _rate : 0, _running, _error);
        }
    }

    /// <summary>"500 ev/s, 1,000 appended", "finished, ..." or "failed after ...".</summary>
    public static string Describe(SimulatorProgress sim) =>
        sim.Error is not null ? $"failed after {Count(sim.EventsAppended)} events: {sim.Error}"
        : sim.Running ? $"{Rate(sim.EventsPerSecond)} ev/s, {Count(sim.EventsAppended)} appended"
        : $"finished, {Count(sim.EventsAppended)} appended";

    private sealed class Reporter(SimulatorRunner owner) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value)
        {
            lock (owner._gate) owner._latest = value;
        }
    }
}

/// <summary>The simulator's figures for the progress display.</summary>
public sealed record SimulatorProgress(long EventsAppended, double EventsPerSecond, bool Running, string? Error);
