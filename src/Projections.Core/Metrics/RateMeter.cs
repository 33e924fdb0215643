namespace Projections.Core.Metrics;

/// <summary>A rate over a sliding window of a few seconds, sampled whenever it is read.</summary>
internal sealed class RateMeter(TimeProvider time, TimeSpan window)
{
    private readonly object _sync = new();
    private readonly Queue<(long Timestamp, double Value)> _samples = new();
    private double _rate;

    public double Sample(double value)
    {
        lock (_sync)
        {
            var now = time.GetTimestamp();
            _samples.Enqueue((now, value));
            while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().Timestamp, now) > window) _samples.Dequeue();
            var (firstAt, firstValue) = _samples.Peek();
            var seconds = time.GetElapsedTime(firstAt, now).TotalSeconds;
            if (seconds >= 0.2) _rate = Math.Max(0, (value - firstValue) / seconds);
            else if (_samples.Count == 1) _rate = 0;
            return _rate;
        }
    }
}
